"""Validate an edXML packet (QCVN 102:2016).

    manage.py edxml_validate FILE [--trust-cert PEM]... [--json]

Valid means: schema-valid, every mandatory header field present, every attachment's
bytes match its manifest hash, and the signature intact and made with a trusted
certificate (a --trust-cert, or a registered peer's). Exit 0 when valid, 1 when
not, 2 when the file cannot be read as a packet (missing, not XML, a DTD, too big).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cryptography import x509

from backoffice.exchange.edxml.parse import PacketUnreadable
from backoffice.exchange.edxml.validate import Report, packet_validate
from backoffice.exchange.peers import peer_certificates


class Command(BaseCommand):
    help = "Validate an edXML packet: schema, header, attachments, signature."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--trust-cert",
            action="append",
            default=[],
            metavar="PEM",
            help="a certificate (PEM) whose signatures are trusted; repeatable",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: object, **options: object) -> None:
        trusted = list(peer_certificates())
        for path in options["trust_cert"]:
            try:
                trusted.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
            except (OSError, ValueError) as exc:
                raise CommandError(
                    _("Không đọc được chứng thư %(path)s: %(error)s")
                    % {"path": path, "error": exc},
                    returncode=2,
                ) from exc
        try:
            data = Path(options["file"]).read_bytes()
            report = packet_validate(
                data, trusted=trusted, max_bytes=settings.EXCHANGE_MAX_PACKET_BYTES
            )
            code = 0 if report.valid else 1
        except (OSError, PacketUnreadable) as exc:
            report = Report(errors=[str(exc)])
            code = 2
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            verdict = _("hợp lệ") if report.valid else _("KHÔNG hợp lệ")
            self.stdout.write(f"{options['file']}: {verdict}")
            for error in report.errors:
                self.stdout.write(f"  - {error}")
        if code:
            raise SystemExit(code)
