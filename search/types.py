"""The data types of the search contract, shared by the facade and every backend."""

from __future__ import annotations

import dataclasses
import enum
from datetime import date
from typing import Any, Literal

SortOrder = Literal["relevance", "date_desc", "date_asc"]


class FieldKind(enum.StrEnum):
    """How a field is indexed.

    TEXT: full text, indexed twice (diacritics folded and exact; exact ranks higher).
    IDENTIFIER: a number-symbol such as `15/2016/QĐ-UBND`; indexed as a normalised
        keyword (case, diacritics and separators ignored) and also found by the text
        query.
    KEYWORD: exact filter/facet values; a list means several values.
    DATE, INTEGER: filter, sort and range values.
    STORED: returned with the hit only.
    """

    TEXT = "text"
    IDENTIFIER = "identifier"
    KEYWORD = "keyword"
    DATE = "date"
    INTEGER = "integer"
    STORED = "stored"


@dataclasses.dataclass(frozen=True)
class Field:
    """One field of an index; `boost` weighs TEXT/IDENTIFIER matches."""

    name: str
    kind: FieldKind
    boost: float = 1.0
    facet: bool = False


@dataclasses.dataclass
class SearchQuery:
    """What to search for.

    `filters` maps a KEYWORD/IDENTIFIER/INTEGER field to a value or a list of values
    (a list means any of them); every filter must match. Permission scoping is the
    caller's job: it passes filters such as `{"agency_ids": [...]}`.
    `date_from`/`date_to` are inclusive bounds on `date_field`. `sort_field` is the
    DATE/INTEGER field used by the date sorts (default: `date_field`).
    """

    text: str = ""
    filters: dict[str, str | list[str]] = dataclasses.field(default_factory=dict)
    date_field: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: SortOrder = "relevance"
    sort_field: str | None = None
    page: int = 1
    page_size: int = 20
    facets: list[str] = dataclasses.field(default_factory=list)
    highlight_fields: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Hit:
    """One result: `source` is the indexed document (as returned by to_document,
    dates as ISO strings); `highlight` maps a field to an HTML snippet, the matched
    words wrapped in `<mark>…</mark>` and everything else escaped."""

    id: str
    score: float
    source: dict[str, Any]
    highlight: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class SearchResult:
    """`count` is the total number of matches; `facets` maps a requested field to
    (value, count) pairs, most frequent first."""

    count: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = dataclasses.field(default_factory=dict)


class SearchError(Exception):
    """A query or document the index cannot accept (message in Vietnamese)."""
