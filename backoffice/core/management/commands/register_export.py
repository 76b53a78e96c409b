"""`manage.py register_export --register NAME --agency CODE --year YYYY
--format xlsx|pdf -o FILE` — print a register book (sổ đăng ký văn bản).

The books are kept by other apps and registered in `backoffice.core.registers`.
Exit status: 0 written, 2 bad input (unknown book, agency or year, unwritable
output: message on stderr, no file written).
"""

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.registers import (
    REGISTER_FORMATS,
    register_book_get,
    register_book_names,
)

MIN_YEAR, MAX_YEAR = 1945, 2200


class Command(BaseCommand):
    help = "Xuất sổ đăng ký văn bản (đến/đi) của một cơ quan trong một năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--register", required=True, help="incoming | outgoing")
        parser.add_argument("--agency", required=True, help="agency identifier code")
        parser.add_argument("--year", required=True, help="calendar year, YYYY")
        parser.add_argument("--format", required=True, help="xlsx | pdf")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
        parser.add_argument("-o", "--output", required=True, help="output file")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(2)

    def _date(self, value: str | None, option: str) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self._fail(
                _("%(option)s “%(value)s” không phải ngày dạng YYYY-MM-DD.")
                % {"option": option, "value": value}
            )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["register"]
        exporter = register_book_get(name)
        if exporter is None:
            known = ", ".join(register_book_names()) or "—"
            self._fail(
                _("Không có sổ “%(name)s”. Các sổ hiện có: %(known)s.")
                % {"name": name, "known": known}
            )
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            self._fail(
                _("Không tìm thấy cơ quan có mã “%(code)s”.")
                % {"code": options["agency"]}
            )
        year_text = str(options["year"]).strip()
        if not (year_text.isdigit() and MIN_YEAR <= int(year_text) <= MAX_YEAR):
            self._fail(
                _("Năm “%(year)s” không hợp lệ (cần dạng YYYY).") % {"year": year_text}
            )
        year = int(year_text)
        formatter = REGISTER_FORMATS.get(options["format"])
        if formatter is None:
            self._fail(
                _("Định dạng “%(format)s” không hỗ trợ (xlsx hoặc pdf).")
                % {"format": options["format"]}
            )
        date_from = self._date(options["date_from"], "--from")
        date_to = self._date(options["date_to"], "--to")
        if date_from and date_to and date_from > date_to:
            self._fail(_("--from phải trước hoặc bằng --to."))
        output = Path(options["output"])
        if not output.parent.is_dir():
            self._fail(_("Thư mục “%(path)s” không tồn tại.") % {"path": output.parent})
        table = exporter(agency=agency, year=year, date_from=date_from, date_to=date_to)
        content = formatter(table)
        # Written beside the target and renamed: a failed run leaves no file.
        handle, temporary = tempfile.mkstemp(dir=output.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, output)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            self._fail(
                _("Không ghi được tệp “%(path)s”: %(error)s")
                % {"path": output, "error": exc}
            )
        self.stderr.write(
            _("%(title)s: %(rows)s dòng → %(path)s (%(size)s byte)")
            % {
                "title": table.title,
                "rows": len(table.rows),
                "path": output,
                "size": len(content),
            }
        )
