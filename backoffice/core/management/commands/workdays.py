"""`manage.py workdays due --start ISO_DATETIME --days N [--agency CODE] [--json]`."""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.workcalendar import due_at


class Command(BaseCommand):
    help = "Tính hạn giải quyết theo ngày làm việc (working-day due dates)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="Due moment N working days after --start.")
        due.add_argument("--start", required=True, help="ISO 8601 moment")
        due.add_argument("--days", required=True, help="working days (0 or more)")
        due.add_argument("--agency", help="agency identifier code")
        due.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = dt.datetime.fromisoformat(options["start"])
        except ValueError as exc:
            raise CommandError(
                _(
                    "--start “%(value)s” không phải thời điểm ISO 8601 "
                    "(ví dụ 2027-02-03T08:00:00+07:00)."
                )
                % {"value": options["start"]}
            ) from exc
        try:
            days = int(options["days"])
        except ValueError as exc:
            raise CommandError(
                _("--days “%(value)s” không phải số nguyên.")
                % {"value": options["days"]}
            ) from exc
        if days < 0:
            raise CommandError(_("--days phải lớn hơn hoặc bằng 0."))
        agency = None
        if options.get("agency"):
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(
                    _("Không tìm thấy cơ quan có mã định danh “%(code)s”.")
                    % {"code": options["agency"]}
                )
        due = due_at(start=start, days=days, agency=agency).isoformat()
        if options["json"]:
            self.stdout.write(json.dumps({"due": due}))
        else:
            self.stdout.write(due)
