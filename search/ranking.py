"""Ranking signals applied after text relevance, the same on every backend.

An index may declare (class attribute `ranking`, or `settings.SEARCH_RANKING` keyed by
index name, which wins) a KEYWORD status field whose values weigh the text score —
a replaced or expired legal document weighs less than the one in force — and a DATE
field whose recency adds a mild bonus. The final score of a relevance search is

    text score x status weight x (1 + recency_weight x 0.5 ** (age / half_life))

applied to the best `window` text matches (Elasticsearch/OpenSearch `rescore`; the
embedded engine re-sorts the same window), so a document beyond the window keeps its
text order. A status not listed weighs 1; a document without a date gets the whole
recency bonus (as the cluster engines' decay functions do).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from search.registry import SearchIndex
from search.types import FieldKind

DEFAULT_WINDOW = 100


class RankingError(ValueError):
    """A ranking declaration that does not fit its index (a programming error)."""


@dataclasses.dataclass(frozen=True)
class Ranking:
    """What ranks documents besides their words; see the module docstring."""

    status_field: str | None = None
    status_weights: Mapping[str, float] = dataclasses.field(default_factory=dict)
    recency_field: str | None = None
    recency_weight: float = 0.1
    recency_half_life_days: int = 1826
    window: int = DEFAULT_WINDOW

    @classmethod
    def from_setting(cls, value: Mapping[str, Any]) -> Ranking:
        """From `settings.SEARCH_RANKING[<index>]` (upper-case keys)."""
        return cls(
            status_field=value.get("STATUS_FIELD"),
            status_weights=dict(value.get("STATUS_WEIGHTS", {})),
            recency_field=value.get("RECENCY_FIELD"),
            recency_weight=float(value.get("RECENCY_WEIGHT", 0.1)),
            recency_half_life_days=int(value.get("RECENCY_HALF_LIFE_DAYS", 1826)),
            window=int(value.get("WINDOW", DEFAULT_WINDOW)),
        )

    @property
    def is_active(self) -> bool:
        return bool(
            (self.status_field and self.status_weights)
            or (self.recency_field and self.recency_weight)
        )

    def check(self, index: SearchIndex) -> None:
        kinds = {field.name: field.kind for field in index.fields}
        if self.status_field and kinds.get(self.status_field) is not FieldKind.KEYWORD:
            raise RankingError(
                _(
                    "Trường trạng thái “%(field)s” của chỉ mục “%(index)s” "
                    "phải là KEYWORD."
                )
                % {"field": self.status_field, "index": index.name}
            )
        if self.recency_field and kinds.get(self.recency_field) is not FieldKind.DATE:
            raise RankingError(
                _("Trường ngày “%(field)s” của chỉ mục “%(index)s” phải là DATE.")
                % {"field": self.recency_field, "index": index.name}
            )
        weights = [*self.status_weights.values(), self.recency_weight]
        if any(not math.isfinite(w) or w < 0 for w in weights) or not (
            1 <= self.window <= 10_000 and self.recency_half_life_days >= 1
        ):
            raise RankingError(
                _("Tham số xếp hạng của chỉ mục “%(index)s” không hợp lệ.")
                % {"index": index.name}
            )

    # -- the same arithmetic as the cluster engines' rescore -------------------

    def factor(self, source: Mapping[str, Any], today: date) -> float:
        """The multiplier of one document (`source` as indexed, dates ISO)."""
        value = 1.0
        if self.status_field:
            statuses = source.get(self.status_field)
            status = (
                statuses[0] if isinstance(statuses, list) and statuses else statuses
            )
            if isinstance(status, str):
                value *= float(self.status_weights.get(status, 1.0))
        if self.recency_field and self.recency_weight:
            decay = 1.0
            issued = _as_date(source.get(self.recency_field))
            if issued is not None:
                age = abs((today - issued).days)
                decay = 0.5 ** (age / self.recency_half_life_days)
            value *= 1 + self.recency_weight * decay
        return value


def ranking_for(index: SearchIndex) -> Ranking | None:
    """The ranking of `index` (settings first), checked; None when there is none."""
    configured = getattr(settings, "SEARCH_RANKING", {}).get(index.name)
    ranking = (
        Ranking.from_setting(configured)
        if configured is not None
        else getattr(index, "ranking", None)
    )
    if ranking is None or not ranking.is_active:
        return None
    ranking.check(index)
    return ranking


def today() -> date:
    return timezone.localdate()


def _as_date(value: Any) -> date | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
