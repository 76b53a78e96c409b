"""Build one report (a JSON-ready dict) for a period and a scope.

The dict is the contract of `report_build --format json` (README "Reports and
statistics"); the HTML page, the PDF and the XLSX are drawn from it.
"""

import dataclasses
import datetime as dt
import time

from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.selectors import agency_descendant_ids
from backoffice.procedures.models import Procedure

from .figures import (
    Timeliness,
    dossier_figures,
    dossier_timeliness,
    incoming_figures,
    outgoing_figures,
    ratings_by_pair,
    scan_figures,
    weighted_rating,
)
from .periods import Period

REPORT_VERSION = 1


@dataclasses.dataclass(frozen=True)
class Scope:
    """The agencies a report covers: one agency (optionally with every unit below
    it), or the whole province (`agency` None: every agency)."""

    agency: Agency | None
    subtree: bool = True

    def agency_ids(self) -> list[int]:
        if self.agency is None:
            return list(Agency.objects.values_list("id", flat=True))
        if not self.subtree:
            return [self.agency.pk]
        return sorted(agency_descendant_ids(root_ids={self.agency.pk}))

    @property
    def label(self) -> str:
        if self.agency is None:
            return _("Toàn tỉnh")
        if self.subtree:
            return _("%(name)s và các đơn vị trực thuộc") % {"name": self.agency.name}
        return self.agency.name


def _timeliness_rows(
    pairs: dict[tuple[int, int], Timeliness],
    ratings: dict[tuple[int, int], tuple[int, float]],
    *,
    by: int,
    names: dict[int, tuple[str, str]],
) -> list[dict]:
    """Fold (agency, procedure) counts into rows per agency (by=0) or procedure (1)."""
    folded: dict[int, Timeliness] = {}
    rated: dict[int, list[tuple[int, float]]] = {}
    for key, counts in pairs.items():
        target = folded.setdefault(key[by], Timeliness())
        for kind in ("on_time", "late", "in_progress", "excluded"):
            target.add(kind, getattr(counts, kind))
    for key, pair in ratings.items():
        rated.setdefault(key[by], []).append(pair)
        folded.setdefault(key[by], Timeliness())
    rows = []
    for ident, counts in folded.items():
        code, name = names.get(ident, ("", ""))
        n, avg = weighted_rating(rated.get(ident, []))
        rows.append(
            {
                "code": code,
                "name": name,
                **counts.as_dict(),
                "ratings": n,
                "rating_avg": avg,
            }
        )
    rows.sort(key=lambda r: (-r["received"], r["code"]))
    return rows


def report_build(
    *, period: Period, scope: Scope, now: dt.datetime | None = None
) -> dict:
    """Every figure of the Art. 16.9 / 18.6 report for `period` and `scope`.

    Read-only; about a dozen aggregate queries whatever the size of the data.
    """
    started = time.perf_counter()
    moment = now or timezone.now()
    since, until = period.start, period.end
    ids = scope.agency_ids()
    window = {"agency_ids": ids, "since": since, "until": until}
    pairs = dossier_timeliness(**window, now=moment)
    ratings = ratings_by_pair(**window)
    agency_names = {
        a.pk: (a.code, a.name)
        for a in Agency.objects.filter(pk__in={k[0] for k in (*pairs, *ratings)})
    }
    procedure_names = {
        p.pk: (p.code, p.name)
        for p in Procedure.objects.filter(pk__in={k[1] for k in (*pairs, *ratings)})
    }
    total = Timeliness()
    for counts in pairs.values():
        for kind in ("on_time", "late", "in_progress", "excluded"):
            total.add(kind, getattr(counts, kind))
    dossiers = dossier_figures(**window)
    dossiers.update(
        {k: v for k, v in total.as_dict().items() if k != "received"},
    )
    n_ratings, avg_rating = weighted_rating(ratings.values())
    dossiers.update({"ratings": n_ratings, "rating_avg": avg_rating})
    return {
        "version": REPORT_VERSION,
        "period": {
            "key": period.key,
            "label": period.label,
            "start": since.isoformat(),
            "end": until.isoformat(),
        },
        "scope": {
            "agency": scope.agency.code if scope.agency else None,
            "name": scope.label,
            "subtree": scope.subtree if scope.agency else True,
            "agencies": len(ids),
        },
        "as_of": timezone.localtime(moment).isoformat(),
        "incoming": incoming_figures(**window),
        "outgoing": outgoing_figures(**window),
        "dossiers": dossiers,
        "on_time_by_agency": _timeliness_rows(pairs, ratings, by=0, names=agency_names),
        "on_time_by_procedure": _timeliness_rows(
            pairs, ratings, by=1, names=procedure_names
        ),
        "scans": scan_figures(**window),
        "build_seconds": round(time.perf_counter() - started, 3),
    }
