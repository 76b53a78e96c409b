"""Build the Art. 16.9 / 18.6 report for scripts.

    manage.py report_build --period 2026|2026-H1|2026-H2 [--agency CODE]
        [--no-subtree] --format json|pdf|xlsx [-o OUT]

Without --agency the report covers the whole province; with it, the agency and
every unit below it (--no-subtree: the agency alone). JSON goes to stdout unless
-o is given; PDF and XLSX need -o. Exit 2 for a bad period, agency or format
(nothing is written). The JSON is the dict of reports.builder.report_build.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.reports.builder import Scope, report_build
from backoffice.reports.exports import report_pdf, report_xlsx
from backoffice.reports.periods import period_parse

FORMATS = ("json", "pdf", "xlsx")


class Command(BaseCommand):
    help = "Build the six-monthly or annual report (JSON, PDF or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="2026, 2026-H1, 2026-H2")
        parser.add_argument("--agency", default="", help="agency code (default: all)")
        parser.add_argument(
            "--no-subtree", action="store_true", help="the agency alone"
        )
        parser.add_argument("--format", default="json", help="json | pdf | xlsx")
        parser.add_argument("-o", "--output", default="", help="output file")

    def handle(self, *args: object, **options: object) -> None:
        fmt = str(options["format"]).lower()
        if fmt not in FORMATS:
            raise CommandError(
                _("Định dạng “%(format)s” không được hỗ trợ: chọn json, pdf hoặc xlsx.")
                % {"format": options["format"]},
                returncode=2,
            )
        if fmt != "json" and not options["output"]:
            raise CommandError(
                _("Định dạng %(format)s cần tệp đầu ra (-o TỆP).") % {"format": fmt},
                returncode=2,
            )
        try:
            period = period_parse(str(options["period"]))
        except ValidationError as exc:
            raise CommandError(exc.messages[0], returncode=2) from exc
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(
                    _("Không có cơ quan mã “%(code)s”.") % {"code": options["agency"]},
                    returncode=2,
                )
        report = report_build(
            period=period, scope=Scope(agency, subtree=not options["no_subtree"])
        )
        if fmt == "json":
            text = json.dumps(report, ensure_ascii=False, indent=1)
            if not options["output"]:
                self.stdout.write(text)
                return
            Path(str(options["output"])).write_text(text + "\n", encoding="utf-8")
        else:
            content = report_pdf(report) if fmt == "pdf" else report_xlsx(report)
            Path(str(options["output"])).write_bytes(content)
        self.stderr.write(
            _("Đã ghi báo cáo %(period)s vào %(path)s.")
            % {"period": period.key, "path": options["output"]}
        )
