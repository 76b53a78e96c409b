"""`manage.py import_procedures PATH [--json]`: all rows or none.

Form templates named by components are read from ``templates/`` beside PATH.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backoffice.procedures.services import ProcedureImportError, procedures_import


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính từ tệp CSV hoặc JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp “%(path)s”.") % {"path": path})
        try:
            result = procedures_import(
                actor=None,
                name=path.name,
                content=path.read_bytes(),
                template_dir=path.parent / "templates",
            )
        except ProcedureImportError as exc:
            lines = "\n".join(f"  {where}: {msg}" for where, msg in exc.errors)
            raise CommandError(
                _("Không nhập thủ tục nào: tệp có %(count)s lỗi.\n%(lines)s")
                % {"count": len(exc.errors), "lines": lines}
            ) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__, ensure_ascii=False))
            return
        self.stdout.write(
            _(
                "Đã thêm %(created)s, cập nhật %(updated)s, "
                "không đổi %(unchanged)s thủ tục."
            )
            % {
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
            }
        )
