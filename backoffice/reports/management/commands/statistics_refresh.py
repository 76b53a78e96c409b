"""Rebuild the public statistics snapshot now (the beat does it daily).

    manage.py statistics_refresh [--json]

JSON: {"snapshot": id, "refreshed_at": ISO, "since": ISO, "rows": N}.
"""

import json

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from backoffice.reports.statistics import statistics_refresh


class Command(BaseCommand):
    help = "Rebuild the public statistics snapshot (portal /thong-ke/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: object, **options: object) -> None:
        snapshot = statistics_refresh()
        rows = snapshot.rows.count()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "snapshot": snapshot.pk,
                        "refreshed_at": snapshot.refreshed_at.isoformat(),
                        "since": snapshot.since.isoformat(),
                        "rows": rows,
                    }
                )
            )
        else:
            self.stdout.write(
                _("Đã cập nhật số liệu thống kê công khai: %(rows)s dòng.")
                % {"rows": rows}
            )
