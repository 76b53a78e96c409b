"""`manage.py archive_export FILE_ID -o OUT.zip`: a closed e-file's archive package."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backoffice.records.archive import archive_export
from backoffice.records.models import EFile
from backoffice.records.services import RecordsRejected


class Command(BaseCommand):
    help = "Xuất gói lưu trữ (ZIP) của một hồ sơ công việc đã đóng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file_id", type=int, help="mã (id) hồ sơ công việc")
        parser.add_argument("-o", "--output", required=True, help="tệp ZIP ra")
        parser.add_argument(
            "--no-pdfa", action="store_true", help="không tạo bản PDF/A-2b"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        efile = (
            EFile.objects.select_related("agency", "entry")
            .filter(pk=options["file_id"])
            .first()
        )
        if efile is None:
            raise CommandError(
                _("Không có hồ sơ công việc #%(file_id)s.")
                % {"file_id": options["file_id"]}
            )
        out = Path(options["output"])
        if not out.parent.is_dir():
            raise CommandError(
                _("Thư mục %(folder)s không tồn tại.") % {"folder": out.parent}
            )
        try:
            result = archive_export(
                efile=efile, out=out, convert_pdfa=not options["no_pdfa"]
            )
        except RecordsRejected as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        summary = {
            "path": str(result.path),
            "entries": result.entries,
            "bytes": result.bytes_written,
            "pdfa_converted": result.pdfa_converted,
            "pdfa_failed": result.pdfa_failed,
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            _(
                "Đã xuất %(code)s: %(entries)s mục, "
                "%(converted)s bản PDF/A-2b → %(path)s"
            )
            % {
                "code": efile.code,
                "entries": result.entries,
                "converted": result.pdfa_converted,
                "path": result.path,
            }
        )
        for failure in result.pdfa_failed:
            self.stdout.write(
                _("  Không chuyển được PDF/A: %(path)s (%(reason)s)")
                % {"path": failure["path"], "reason": failure["reason"]}
            )
