"""Re-hash every stored original and report mismatches and missing files.

    manage.py integrity_check [--source NAME ...] [--json]

Exit 0 when every original matches, 1 when any is changed or missing, 2 for an
unknown source. JSON: {"ok": bool, "checked": N, "bytes": N, "run": id,
"problems": [{"problem": "mismatch"|"missing", "source", "object_id", "name",
"expected", "actual", "detail"}]}.
"""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backoffice.core.integrity import SOURCES, integrity_check


class Command(BaseCommand):
    help = "Re-hash stored originals against their recorded SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source",
            action="append",
            default=[],
            help=f"only this source (repeatable); one of: {', '.join(sorted(SOURCES))}",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: object, **options: object) -> None:
        try:
            run = integrity_check(sources=options["source"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": run.ok,
                        "checked": run.checked,
                        "bytes": run.bytes_read,
                        "run": run.pk,
                        "problems": run.problems,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(
                f"{run.checked} originals checked, {len(run.problems)} problems."
            )
            for problem in run.problems:
                self.stdout.write(
                    f"{problem['problem']}: {problem['source']} "
                    f"#{problem['object_id']} {problem['name']}"
                )
        if run.problems:
            raise SystemExit(1)
