"""`manage.py import_documents PATH [--json]`: publish a folder of official documents.

Each row is imported all-or-nothing; bad rows are listed with their reason and the
others go on. Idempotent on (issuer, number-symbol). The progress bar goes to
stderr, so `--json` leaves exactly one JSON object on stdout.
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backoffice.documents.bulk_import import documents_import
from backoffice.documents.imports import MetadataError

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Nhập và công bố văn bản từ một thư mục gồm các tệp PDF và tệp thông tin "
        "metadata.csv hoặc metadata.json (các cột: xem README.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="thư mục chứa PDF và metadata.csv/json")
        parser.add_argument("--json", action="store_true", help="in một đối tượng JSON")

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        end = "\n" if done >= total else ""
        self.stderr.write(
            _("\r[%(bar)s] %(done)s/%(total)s văn bản")
            % {"bar": bar, "done": done, "total": total},
            ending=end,
        )
        self.stderr.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        show_progress = sys.stderr.isatty() or options["json"]
        try:
            result = documents_import(
                actor=None,
                folder=path,
                progress=self._progress if show_progress else None,
            )
        except MetadataError as exc:
            raise CommandError(str(exc)) from exc
        data = result.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            _(
                "Đã nhập %(created)s văn bản mới, cập nhật %(updated)s, "
                "không đổi %(unchanged)s, từ chối %(rejected)s."
            )
            % {
                "created": data["created"],
                "updated": data["updated"],
                "unchanged": data["unchanged"],
                "rejected": len(data["rejected"]),
            }
        )
        for item in data["rejected"]:
            self.stdout.write(
                _("  dòng %(row)s: %(reason)s")
                % {"row": item["row"], "reason": item["reason"]}
            )
