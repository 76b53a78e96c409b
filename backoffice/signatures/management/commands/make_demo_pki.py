"""`manage.py make_demo_pki [--dir DIR] [--password P] [--force] [--json]`.

Writes a demo root CA (`root.pem`) and agency signing certificate (`agency.p12`),
keeps existing files unless --force, and trusts the root in the database.
"""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.signatures.services import demo_pki_install


class Command(BaseCommand):
    help = "Tạo PKI minh họa: chứng thư gốc và chứng thư ký số của cơ quan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", help="output folder (default VAR_DIR/pki)")
        parser.add_argument(
            "--password",
            help="PKCS#12 password (default SIGNING_PKCS12_PASSWORD)",
        )
        parser.add_argument(
            "--force", action="store_true", help="replace existing files"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"] or Path(settings.VAR_DIR) / "pki")
        password = options["password"]
        if password is None:
            password = settings.SIGNING_PKCS12_PASSWORD
        try:
            pki, root = demo_pki_install(
                actor=None,
                directory=directory,
                password=password,
                force=options["force"],
            )
        except FileExistsError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except OSError as exc:
            raise CommandError(
                _("Không ghi được vào %(path)s: %(error)s")
                % {"path": directory, "error": exc}
            ) from exc
        configured = Path(settings.SIGNING_PKCS12_PATH).resolve()
        if pki.pkcs12_path.resolve() != configured:
            self.stderr.write(
                _(
                    "Lưu ý: SIGNING_PKCS12_PATH đang là %(configured)s; "
                    "đặt nó thành %(path)s để ký bằng chứng thư này."
                )
                % {"configured": configured, "path": pki.pkcs12_path}
            )
        if options["json"]:
            payload = {
                "pkcs12": str(pki.pkcs12_path),
                "root_pem": str(pki.root_pem_path),
                "created": pki.created,
                "trusted_certificate": {
                    "id": root.pk,
                    "name": root.name,
                    "fingerprint_sha256": root.fingerprint_sha256,
                    "not_after": timezone.localtime(root.not_after).isoformat(),
                },
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        state = _("Đã tạo") if pki.created else _("Giữ nguyên (đã có)")
        self.stdout.write(
            f"{state}: {pki.pkcs12_path}\n{state}: {pki.root_pem_path}\n"
            + _("Chứng thư gốc tin cậy: %(name)s (SHA-256 %(fingerprint)s)")
            % {"name": root.name, "fingerprint": root.fingerprint_sha256}
        )
