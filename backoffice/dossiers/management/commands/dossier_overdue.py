"""`manage.py dossier_overdue [--json]` — the dossiers past their due moment.

The rule is `deadlines.dossiers_overdue`, the one the beat task
(`flag_overdue_dossiers`) applies; this command only lists, it flags and notifies
nothing. With `--json` exactly one object goes to stdout:
`{"overdue": [{"code", "agency", "due_at", "assignee"}]}` — agency is the code of
the agency holding the dossier, due_at ISO 8601 in Vietnam time, assignee the
username of the current step's assignee or null.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from backoffice.dossiers.deadlines import overdue_rows


class Command(BaseCommand):
    help = "Liệt kê hồ sơ đã quá hạn giải quyết."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = overdue_rows()
        if options["json"]:
            self.stdout.write(json.dumps({"overdue": rows}, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write(_("Không có hồ sơ quá hạn."))
            return
        self.stdout.write(_("%(count)s hồ sơ quá hạn:") % {"count": len(rows)})
        for row in rows:
            self.stdout.write(
                f"{row['code']}  {row['agency']}  {row['due_at']}  "
                f"{row['assignee'] or '—'}"
            )
