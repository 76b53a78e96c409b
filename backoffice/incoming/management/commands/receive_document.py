"""`manage.py receive_document FILE... --agency CODE [--via upload|email]
[--auto-register] [--json]` — receive documents as the clerk's desk does.

FILE is a PDF (`--via upload`, the default) or an .eml message (`--via email`: one
document per PDF attachment). Each document is checked (signature, text) at once;
with `--auto-register` those needing no clerk's decision are registered (valid) or
refused (invalid signature, secret marking); the others stay pending.

Exit status: 0 every file read, 2 a file could not be read (nothing stored for it;
the other files are still received) or bad arguments. Messages go to stderr; with
`--json` exactly one JSON object goes to stdout.
"""

import json
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.incoming.checks import IncomingRejected
from backoffice.incoming.constants import Via
from backoffice.incoming.mail import incoming_mail_receive
from backoffice.incoming.models import IncomingDocument
from backoffice.incoming.selectors import incoming_summary
from backoffice.incoming.services import (
    incoming_auto_decide,
    incoming_check,
    incoming_receive,
)
from backoffice.incoming.types import ReceivedFile


class Command(BaseCommand):
    help = "Tiếp nhận văn bản đến từ tệp PDF hoặc thư điện tử (.eml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--agency", required=True, help="receiving agency code")
        parser.add_argument(
            "--via", choices=[Via.UPLOAD, Via.EMAIL], default=Via.UPLOAD
        )
        parser.add_argument("--auto-register", action="store_true")
        parser.add_argument("--delivered-by", default="", help="who brought it")
        parser.add_argument("--json", action="store_true")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            self._fail(
                _("Không tìm thấy cơ quan có mã “%(code)s”.")
                % {"code": options["agency"]}
            )
        documents: list[IncomingDocument] = []
        unreadable = 0
        for name in options["files"]:
            path = Path(name)
            try:
                content = path.read_bytes()
            except OSError as exc:
                self.stderr.write(
                    _("%(path)s: không đọc được tệp (%(error)s).")
                    % {"path": path, "error": exc.strerror}
                )
                unreadable += 1
                continue
            try:
                received = self._receive(agency, path, content, options)
            except IncomingRejected as exc:
                self.stderr.write(f"{path}: {'; '.join(exc.messages)}")
                unreadable += 1
                continue
            for document in received:
                incoming_check(document_id=document.pk)
                document.refresh_from_db()
                if options["auto_register"]:
                    document = incoming_auto_decide(document=document)
                documents.append(document)
        summaries = [incoming_summary(document) for document in documents]
        if options["json"]:
            self.stdout.write(json.dumps({"documents": summaries}, ensure_ascii=False))
        else:
            for summary in summaries:
                self.stdout.write(
                    "{status}\t{incoming_number}\t{verdict}\t{received_at}".format(
                        **summary
                    )
                )
        if unreadable:
            raise SystemExit(2)

    def _receive(
        self, agency: Agency, path: Path, content: bytes, options: dict[str, Any]
    ) -> list[IncomingDocument]:
        if options["via"] == Via.EMAIL:
            intake = incoming_mail_receive(agency=agency, raw=content)
            for problem in intake.problems:
                self.stderr.write(f"{path}: {problem}")
            return intake.documents
        document = incoming_receive(
            agency=agency,
            main=ReceivedFile(name=path.name, content=content),
            via=Via.UPLOAD,
            delivered_by=options["delivered_by"],
        )
        return [document]
