"""The figures of the Art. 16.9 / 18.6 reports and of the public statistics.

Pure database aggregation: each section is one or two GROUP BY queries over the
period and the agencies in scope, never a loop over rows. The back-office report,
its exports, `report_build` and the daily public snapshot all read these functions.

Definitions (README "Reports and statistics"):
- Incoming documents count by `received_at` (Art. 12 receipt time) in the period;
  outgoing documents by `released_at` (numbered and sent); dossiers by `received_at`;
  scans by the batch's `created_at`.
- Time to acknowledge: elapsed calendar hours (not working hours) from receipt to
  the receipt notice (incoming) and from sending to the recipient's acknowledgement
  (outgoing); average and median over the acknowledged ones.
- Timeliness of a dossier, as of the moment the figures are built:
  on time — result ready (status 9, moment of its first "done" event) or handed
  back (status 10, `finished_at`) no later than `due_at`; late — the same after
  `due_at`, or still open (statuses 1, 2, 4) with `due_at` passed; in progress —
  open and not yet due, or waiting on the applicant (5, 6: the clock is stopped);
  excluded — not accepted, withdrawn, stopped (3, 7, 8).
  On-time rate = on time ÷ (on time + late), in per cent; 0 when nothing finished.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from backoffice.dossiers.constants import Channel as DossierChannel
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import Dossier, DossierStatusEvent
from backoffice.dossiers.ratings import rating_summary
from backoffice.incoming.constants import IncomingStatus, VerdictKind, Via
from backoffice.incoming.models import IncomingDocument
from backoffice.outgoing.constants import Channel as OutgoingChannel
from backoffice.outgoing.constants import DeliveryStatus, FileKind
from backoffice.outgoing.models import OutgoingDocument, OutgoingFile, OutgoingRecipient
from backoffice.scanning.models import ScanPage

ON_TIME, LATE, IN_PROGRESS, EXCLUDED = "on_time", "late", "in_progress", "excluded"
S = DossierStatus
EXCLUDED_STATUSES = (S.NOT_ACCEPTED, S.WITHDRAWN, S.STOPPED)
PAUSED_STATUSES = (S.SUPPLEMENT_REQUESTED, S.AWAITING_FEE)
OPEN_STATUSES = (S.NEW, S.ACCEPTED, S.PROCESSING)
SIGNED_VERDICTS = (VerdictKind.VALID, VerdictKind.UNTRUSTED, VerdictKind.INVALID)


def share(part: int, whole: int) -> float:
    """Per cent with one decimal; 0.0 for an empty whole (never a division error)."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def _hours(value: dt.timedelta | float | int | None) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 3600, 1)
    return round(float(value) / 3_600_000_000, 1)  # microseconds (SQLite)


def _delay_stats(qs: QuerySet, *, start: str, end: str) -> dict[str, float | int]:
    """Count, average and median elapsed hours from `start` to `end` (if set)."""
    qs = qs.filter(**{f"{end}__isnull": False}).annotate(
        delay=ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    )
    n = qs.count()
    if not n:
        return {"count": 0, "hours_avg": 0.0, "hours_median": 0.0}
    avg = qs.aggregate(avg=Avg("delay"))["avg"]
    middle = list(
        qs.order_by("delay").values_list("delay", flat=True)[(n - 1) // 2 : n // 2 + 1]
    )
    median = sum((_hours(v) for v in middle), 0.0) / len(middle)
    return {"count": n, "hours_avg": _hours(avg), "hours_median": round(median, 1)}


def _in_period(field: str, since: dt.datetime, until: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": since, f"{field}__lt": until})


def _counts(rows: Iterable[dict], key: str, labels: dict) -> list[dict]:
    found = {r[key]: r["n"] for r in rows}
    return [
        {"code": code, "label": str(label), "count": found.get(code, 0)}
        for code, label in labels.items()
    ]


def incoming_figures(
    *, agency_ids: list[int], since: dt.datetime, until: dt.datetime
) -> dict:
    """Incoming documents by channel, signed share, outcome and time to acknowledge."""
    qs = IncomingDocument.objects.filter(
        _in_period("received_at", since, until), agency_id__in=agency_ids
    )
    rows = list(
        qs.values("via").annotate(
            n=Count("id"),
            signed=Count("id", filter=Q(verdict__in=SIGNED_VERDICTS)),
            valid=Count("id", filter=Q(verdict=VerdictKind.VALID)),
            refused=Count("id", filter=Q(status=IncomingStatus.REFUSED)),
            registered=Count("id", filter=Q(incoming_number__isnull=False)),
        )
    )
    total = sum(r["n"] for r in rows)
    signed = sum(r["signed"] for r in rows)
    electronic = sum(r["n"] for r in rows if r["via"] != Via.UPLOAD)
    ack = _delay_stats(qs, start="received_at", end="acknowledged_at")
    return {
        "total": total,
        "by_channel": _counts(rows, "via", dict(Via.choices)),
        "electronic": electronic,
        "electronic_share": share(electronic, total),
        "signed": signed,
        "signed_valid": sum(r["valid"] for r in rows),
        "signed_share": share(signed, total),
        "registered": sum(r["registered"] for r in rows),
        "refused": sum(r["refused"] for r in rows),
        "acknowledged": ack["count"],
        "ack_hours_avg": ack["hours_avg"],
        "ack_hours_median": ack["hours_median"],
    }


def outgoing_figures(
    *, agency_ids: list[int], since: dt.datetime, until: dt.datetime
) -> dict:
    """Released outgoing documents: signed share, paper flag, recipients by channel,
    time to acknowledge."""
    docs = OutgoingDocument.objects.filter(
        _in_period("released_at", since, until),
        agency_id__in=agency_ids,
        number__isnull=False,
    )
    signed_file = OutgoingFile.objects.filter(
        document=OuterRef("pk"), kind=FileKind.SIGNED
    )
    paper_recipient = OutgoingRecipient.objects.filter(
        document=OuterRef("pk"), channel=OutgoingChannel.PAPER
    )
    head = docs.aggregate(
        total=Count("id"),
        signed=Count("id", filter=Q(Exists(signed_file))),
        paper=Count("id", filter=Q(Exists(paper_recipient))),
    )
    recipients = OutgoingRecipient.objects.filter(document__in=docs)
    rows = list(
        recipients.values("channel").annotate(
            n=Count("id"),
            acked=Count("id", filter=Q(status=DeliveryStatus.ACKNOWLEDGED)),
        )
    )
    ack = _delay_stats(recipients, start="sent_at", end="acknowledged_at")
    total = head["total"]
    n_recipients = sum(r["n"] for r in rows)
    electronic = sum(r["n"] for r in rows if r["channel"] != OutgoingChannel.PAPER)
    return {
        "total": total,
        "signed": head["signed"],
        "signed_share": share(head["signed"], total),
        "paper": head["paper"],
        "paper_share": share(head["paper"], total),
        "recipients": n_recipients,
        "recipients_by_channel": _counts(
            rows, "channel", dict(OutgoingChannel.choices)
        ),
        "recipients_electronic_share": share(electronic, n_recipients),
        "acknowledged": ack["count"],
        "ack_hours_avg": ack["hours_avg"],
        "ack_hours_median": ack["hours_median"],
    }


def _timeliness(now: dt.datetime) -> Case:
    """Each dossier's class (ON_TIME, LATE, IN_PROGRESS, EXCLUDED) as of `now`."""
    ready_at = Subquery(
        DossierStatusEvent.objects.filter(dossier=OuterRef("pk"), status=S.DONE)
        .order_by("at")
        .values("at")[:1]
    )
    return Case(
        When(status__in=EXCLUDED_STATUSES, then=Value(EXCLUDED)),
        When(
            status=S.RESULT_RETURNED, finished_at__lte=F("due_at"), then=Value(ON_TIME)
        ),
        When(status=S.RESULT_RETURNED, then=Value(LATE)),
        When(
            Q(status=S.DONE) & Q(due_at__gte=ready_at),
            then=Value(ON_TIME),
        ),
        When(status=S.DONE, then=Value(LATE)),
        When(status__in=OPEN_STATUSES, due_at__lt=now, then=Value(LATE)),
        default=Value(IN_PROGRESS),
        output_field=CharField(),
    )


@dataclasses.dataclass
class Timeliness:
    received: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    excluded: int = 0

    def add(self, kind: str, n: int) -> None:
        self.received += n
        setattr(self, kind, getattr(self, kind) + n)

    @property
    def on_time_rate(self) -> float:
        return share(self.on_time, self.on_time + self.late)

    def as_dict(self) -> dict:
        return {**dataclasses.asdict(self), "on_time_rate": self.on_time_rate}


def dossier_timeliness(
    *,
    agency_ids: list[int],
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime | None = None,
) -> dict[tuple[int, int], Timeliness]:
    """Timeliness counts per (agency id, procedure id) of dossiers received in the
    period: one GROUP BY query. Shared by the reports and the public snapshot."""
    rows = (
        Dossier.objects.filter(
            _in_period("received_at", since, until), agency_id__in=agency_ids
        )
        .annotate(kind=_timeliness(now or timezone.now()))
        .values("agency_id", "procedure_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[tuple[int, int], Timeliness] = {}
    for r in rows:
        key = (r["agency_id"], r["procedure_id"])
        result.setdefault(key, Timeliness()).add(r["kind"], r["n"])
    return result


def dossier_figures(
    *, agency_ids: list[int], since: dt.datetime, until: dt.datetime
) -> dict:
    """One-stop dossiers received in the period, by channel and by current status."""
    rows = list(
        Dossier.objects.filter(
            _in_period("received_at", since, until), agency_id__in=agency_ids
        )
        .values("channel", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = sum(r["n"] for r in rows)
    by_channel: dict[str, int] = {}
    by_status: dict[int, int] = {}
    for r in rows:
        by_channel[r["channel"]] = by_channel.get(r["channel"], 0) + r["n"]
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
    online = by_channel.get(DossierChannel.ONLINE, 0)
    return {
        "total": total,
        "by_channel": [
            {"code": c, "label": str(label), "count": by_channel.get(c, 0)}
            for c, label in DossierChannel.choices
        ],
        "by_status": [
            {"code": s, "label": str(label), "count": by_status.get(s, 0)}
            for s, label in DossierStatus.choices
        ],
        "online": online,
        "online_share": share(online, total),
    }


def scan_figures(
    *, agency_ids: list[int], since: dt.datetime, until: dt.datetime
) -> dict:
    """Pages scanned at the counters and how many became dossier pages."""
    head = ScanPage.objects.filter(
        _in_period("batch__created_at", since, until),
        batch__agency_id__in=agency_ids,
    ).aggregate(
        batches=Count("batch_id", distinct=True),
        pages=Count("id"),
        blank=Count("id", filter=Q(is_blank=True)),
        sheets=Count("id", filter=Q(is_sheet=True)),
        digitised=Count(
            "id",
            filter=Q(dossier_id__isnull=False, is_blank=False, is_sheet=False),
        ),
    )
    return {
        "batches": head["batches"],
        "pages": head["pages"],
        "blank_pages": head["blank"],
        "sheets": head["sheets"],
        "pages_digitised": head["digitised"],
    }


def ratings_by_pair(
    *, agency_ids: list[int], since: dt.datetime, until: dt.datetime
) -> dict[tuple[int, int], tuple[int, float]]:
    """(count, average) of the applicants' ratings per (agency id, procedure id)."""
    return {
        (r.agency_id, r.procedure_id): (r.count, r.average)
        for r in rating_summary(since=since, until=until, agency_ids=agency_ids)
    }


def weighted_rating(pairs: Iterable[tuple[int, float]]) -> tuple[int, float]:
    """Combine (count, average) pairs into one (count, average)."""
    count = total = 0.0
    for n, avg in pairs:
        count += n
        total += n * avg
    return int(count), (round(total / count, 2) if count else 0.0)
