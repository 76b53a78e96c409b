"""The public statistics: a daily snapshot per agency and procedure, and its reads.

The snapshot is computed by the same functions as the reports (reports.figures);
the portal page reads only the newest snapshot, cached until the next refresh.
"""

import dataclasses
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backoffice.core.models import Agency

from .figures import (
    Timeliness,
    dossier_timeliness,
    ratings_by_pair,
    share,
    weighted_rating,
)
from .models import StatisticsRow, StatisticsSnapshot


@transaction.atomic
def statistics_refresh(*, now: dt.datetime | None = None) -> StatisticsSnapshot:
    """Compute a new snapshot of the last PUBLIC_STATISTICS_DAYS days and drop the
    older ones. Idempotent: running it twice leaves one snapshot with the figures
    of the second run."""
    moment = now or timezone.now()
    since = moment - dt.timedelta(days=settings.PUBLIC_STATISTICS_DAYS)
    ids = list(Agency.objects.values_list("id", flat=True))
    pairs = dossier_timeliness(agency_ids=ids, since=since, until=moment, now=moment)
    ratings = ratings_by_pair(agency_ids=ids, since=since, until=moment)
    snapshot = StatisticsSnapshot.objects.create(
        refreshed_at=moment, since=since, until=moment
    )
    StatisticsRow.objects.bulk_create(
        StatisticsRow(
            snapshot=snapshot,
            agency_id=key[0],
            procedure_id=key[1],
            received=counts.received,
            on_time=counts.on_time,
            late=counts.late,
            in_progress=counts.in_progress,
            excluded=counts.excluded,
            ratings=ratings.get(key, (0, 0.0))[0],
            rating_avg=ratings.get(key, (0, 0.0))[1],
        )
        for key, counts in (
            (k, pairs.get(k, Timeliness())) for k in sorted({*pairs, *ratings})
        )
    )
    StatisticsSnapshot.objects.exclude(pk=snapshot.pk).delete()
    return snapshot


@dataclasses.dataclass
class PublicRow:
    code: str
    name: str
    received: int
    on_time: int
    late: int
    in_progress: int
    ratings: int
    rating_avg: float

    @property
    def on_time_rate(self) -> float:
        return share(self.on_time, self.on_time + self.late)


@dataclasses.dataclass
class PublicAgency(PublicRow):
    procedures: list[PublicRow] = dataclasses.field(default_factory=list)


def statistics_latest() -> StatisticsSnapshot | None:
    return StatisticsSnapshot.objects.order_by("-refreshed_at", "-id").first()


def statistics_public(*, snapshot: StatisticsSnapshot) -> list[PublicAgency]:
    """Per agency (with its procedures) from one snapshot, busiest first."""
    agencies: dict[int, PublicAgency] = {}
    rated: dict[int, list[tuple[int, float]]] = {}
    rows = snapshot.rows.select_related("agency", "procedure").order_by(
        "agency__code", "-received", "procedure__code"
    )
    for row in rows:
        agency = agencies.get(row.agency_id)
        if agency is None:
            agency = agencies[row.agency_id] = PublicAgency(
                row.agency.code, row.agency.name, 0, 0, 0, 0, 0, 0.0
            )
        agency.received += row.received
        agency.on_time += row.on_time
        agency.late += row.late
        agency.in_progress += row.in_progress
        rated.setdefault(row.agency_id, []).append((row.ratings, row.rating_avg))
        agency.procedures.append(
            PublicRow(
                row.procedure.code,
                row.procedure.name,
                row.received,
                row.on_time,
                row.late,
                row.in_progress,
                row.ratings,
                row.rating_avg,
            )
        )
    for agency_id, agency in agencies.items():
        agency.ratings, agency.rating_avg = weighted_rating(rated[agency_id])
    return sorted(agencies.values(), key=lambda a: (-a.received, a.code))
