"""`manage.py archive_verify OUT.zip [--json]`: re-read an archive package.

JSON: exactly `{"valid": bool, "entries": N, "mismatches": [...]}`; exit code 1
when the package is not valid.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from backoffice.records.verify import archive_verify


class Command(BaseCommand):
    help = "Kiểm tra gói lưu trữ: mọi tệp có trong bảng kê, đúng mã băm SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="tệp ZIP")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        report = archive_verify(Path(options["path"]))
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        elif report["valid"]:
            self.stdout.write(
                _("Gói hợp lệ: %(entries)s mục khớp bảng kê.")
                % {"entries": report["entries"]}
            )
        else:
            self.stdout.write(
                _("Gói KHÔNG hợp lệ: %(count)s sai lệch (bảng kê %(entries)s mục).")
                % {"count": len(report["mismatches"]), "entries": report["entries"]}
            )
            for problem in report["mismatches"]:
                self.stdout.write(f"  {problem['problem']}: {problem['entry']}")
        if not report["valid"]:
            sys.exit(1)
