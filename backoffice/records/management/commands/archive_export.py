"""`manage.py archive_export FILE_ID -o OUT.zip`: a closed e-file's archive package."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
            raise CommandError(f"Không có hồ sơ công việc #{options['file_id']}.")
        out = Path(options["output"])
        if not out.parent.is_dir():
            raise CommandError(f"Thư mục {out.parent} không tồn tại.")
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
            f"Đã xuất {efile.code}: {result.entries} mục, "
            f"{result.pdfa_converted} bản PDF/A-2b → {result.path}"
        )
        for failure in result.pdfa_failed:
            self.stdout.write(
                f"  Không chuyển được PDF/A: {failure['path']} ({failure['reason']})"
            )
