"""Public statistics page (/thong-ke/): on-time rate per agency, and per agency and
procedure: dossiers received, on time, late, average rating.

It reads the newest daily snapshot (backoffice.reports.statistics, refreshed by the
beat and `manage.py statistics_refresh`) — the same figures as the back-office
reports. The rows and the chart are cached per snapshot and language, so a new
snapshot shows at once and a busy day costs one build.
"""

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from backoffice.reports.charts import rate_chart, svg_data_uri
from backoffice.reports.statistics import (
    PublicAgency,
    statistics_latest,
    statistics_public,
)

CACHE_SECONDS = 24 * 3600
CHART_AGENCIES = 15


def _figures(snapshot_id: int) -> tuple[list[PublicAgency], str]:
    snapshot = statistics_latest()
    if snapshot is None or snapshot.pk != snapshot_id:
        return [], ""
    agencies = statistics_public(snapshot=snapshot)
    chart = ""
    if agencies:
        chart = svg_data_uri(
            rate_chart([(a.name, a.on_time, a.late) for a in agencies[:CHART_AGENCIES]])
        )
    return agencies, chart


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    snapshot = statistics_latest()
    agencies: list[PublicAgency] = []
    chart = ""
    if snapshot is not None:
        agencies, chart = cache.get_or_set(
            f"public-statistics:{snapshot.pk}:{get_language()}",
            lambda: _figures(snapshot.pk),
            CACHE_SECONDS,
        )
    return render(
        request,
        "portal/statistics.html",
        {"snapshot": snapshot, "agencies": agencies, "chart": chart},
    )
