"""The report page (charts and tables) and its PDF / XLSX downloads.

Leaders and administrators only (selectors.report_agencies); an agency the user may
not see answers 404 like an unknown one; a bad or future period re-shows the form
with the reason (400) and builds nothing.
"""

import dataclasses
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backoffice.core.workcalendar import local_zone

from .builder import Scope, report_build
from .charts import chart_figures, svg_data_uri
from .exports import report_pdf, report_xlsx
from .periods import FIRST_YEAR, Period, period_current, period_parse
from .sections import report_sections
from .selectors import report_agencies, report_agency_for, report_province_allowed

EXPORTS = {
    "xlsx": (
        report_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pdf": (report_pdf, "application/pdf"),
}


@dataclasses.dataclass
class Request:
    period_text: str
    agency_code: str
    subtree: bool
    period: Period | None = None
    scope: Scope | None = None
    error: str = ""


def _read(request: HttpRequest) -> Request:
    """Parse and authorise the query; raise 403/404, or return it with an error."""
    user = request.user
    agencies = report_agencies(user=user)
    if not agencies.exists() and not user.is_superuser:
        raise PermissionDenied(_("Chỉ lãnh đạo, quản trị được xem báo cáo."))
    province = report_province_allowed(user=user)
    code = request.GET.get("agency", "").strip()
    if not code and not province:
        code = agencies.first().code
    text = request.GET.get("period", "").strip()
    if not text:
        year, half = request.GET.get("year", ""), request.GET.get("half", "")
        text = f"{year}-{half}" if year and half else year or period_current().key
    wanted = Request(text, code, request.GET.get("subtree", "1") != "0")
    agency = None
    if code:
        agency = report_agency_for(user=user, code=code)
        if agency is None:
            raise Http404
    wanted.scope = Scope(agency, subtree=wanted.subtree)
    try:
        wanted.period = period_parse(text)
    except ValidationError as exc:
        wanted.error = exc.messages[0]
    return wanted


@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    wanted = _read(request)
    report = sections = None
    charts: dict[str, str] = {}
    if wanted.period is not None and wanted.scope is not None:
        report = report_build(period=wanted.period, scope=wanted.scope)
        sections = report_sections(report)
        charts = {k: svg_data_uri(f) for k, f in chart_figures(report).items()}
    this_year = timezone.localtime(timezone.now(), local_zone()).year
    return render(
        request,
        "reports/report.html",
        {
            "wanted": wanted,
            "report": report,
            "as_of": dt.datetime.fromisoformat(report["as_of"]) if report else None,
            "sections": sections,
            "charts": charts,
            "agencies": report_agencies(user=request.user),
            "province_allowed": report_province_allowed(user=request.user),
            "years": range(this_year, max(FIRST_YEAR, this_year - 10) - 1, -1),
            "selected_year": wanted.period.year if wanted.period else "",
            "selected_half": (
                f"H{wanted.period.half}" if wanted.period and wanted.period.half else ""
            ),
            "query": request.GET.urlencode(),
        },
        status=400 if wanted.error else 200,
    )


@require_GET
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORTS:
        raise Http404
    wanted = _read(request)
    if wanted.period is None or wanted.scope is None:
        return HttpResponse(wanted.error, status=400, content_type="text/plain")
    report = report_build(period=wanted.period, scope=wanted.scope)
    render_export, media_type = EXPORTS[fmt]
    scope = wanted.scope.agency.code if wanted.scope.agency else "tinh"
    response = HttpResponse(render_export(report), content_type=media_type)
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-{wanted.period.key}-{scope}.{fmt}"'
    )
    return response
