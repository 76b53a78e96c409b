"""Reads of the public document library: search with facets, one document.

Everything here is public (published documents only), so nothing is scoped to
a user; the search facade answers from the index, hits carry what lists show.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import search
from search import SearchQuery

from .constants import DocumentType, LegalStatus, SignatureVerdict
from .models import OfficialDocument
from .search_indexes import INDEX_NAME

SORTS = ("relevance", "date_desc", "date_asc")
FACETS = ("type", "issuer", "field", "year")
MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 200
HIGHLIGHT_FIELDS = ["subject", "full_text", "number_symbol"]


@dataclass(frozen=True)
class LibraryQuery:
    """What the public asked for; `clean()` bounds every value."""

    text: str = ""
    document_type: str = ""
    issuer: str = ""
    field: str = ""
    year: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = ""
    page: int = 1
    page_size: int = 20

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.text
            or self.document_type
            or self.issuer
            or self.field
            or self.year
            or self.date_from
            or self.date_to
        )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class LibraryHit:
    """One result as lists and the API show it."""

    id: str
    number_symbol: str
    subject: str
    type: str
    type_label: str
    issuer: str
    field: str
    issued_date: str
    effective_date: str | None
    legal_status: str
    legal_status_label: str
    signature_verdict: str
    signature_verdict_label: str
    url: str
    highlight: dict[str, str]

    @property
    def issued_on(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.issued_date)
        except ValueError:
            return None


@dataclass
class LibraryResult:
    query: LibraryQuery
    count: int
    hits: list[LibraryHit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.query.page_size))

    @property
    def has_next(self) -> bool:
        return self.query.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def library_query_clean(**raw: Any) -> LibraryQuery:
    """Bound and normalise public input; unknown values simply match nothing."""
    text = " ".join(str(raw.get("text") or "").split())[:MAX_QUERY_LENGTH]
    sort = str(raw.get("sort") or "")
    if sort not in SORTS:
        sort = "relevance" if text else "date_desc"
    try:
        page = max(1, int(raw.get("page") or 1))
    except (TypeError, ValueError):
        page = 1
    try:
        page_size = min(max(1, int(raw.get("page_size") or 20)), MAX_PAGE_SIZE)
    except (TypeError, ValueError):
        page_size = 20
    date_from, date_to = raw.get("date_from"), raw.get("date_to")
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    return LibraryQuery(
        text=text,
        document_type=str(raw.get("document_type") or "")[:50],
        issuer=str(raw.get("issuer") or "")[:255],
        field=str(raw.get("field") or "")[:200],
        year=str(raw.get("year") or "")[:4],
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        page=page,
        page_size=page_size,
    )


def _hit(hit: search.Hit) -> LibraryHit:
    source = hit.source
    return LibraryHit(
        id=hit.id,
        number_symbol=source.get("number_symbol", ""),
        subject=source.get("subject", ""),
        type=source.get("type", ""),
        type_label=_label(DocumentType, source.get("type", "")),
        issuer=source.get("issuer", ""),
        field=source.get("field", ""),
        issued_date=str(source.get("issued_date", ""))[:10],
        effective_date=source.get("effective_date"),
        legal_status=source.get("legal_status", ""),
        legal_status_label=_label(LegalStatus, source.get("legal_status", "")),
        signature_verdict=source.get("signature_verdict", ""),
        signature_verdict_label=_label(
            SignatureVerdict, source.get("signature_verdict", "")
        ),
        url=source.get("url", ""),
        highlight=hit.highlight,
    )


def library_search(query: LibraryQuery) -> LibraryResult:
    """Published documents matching `query`, one page of them, with facet counts
    (type, issuer, field, year) and highlighted snippets."""
    filters: dict[str, str | list[str]] = {}
    for name, value in (
        ("type", query.document_type),
        ("issuer", query.issuer),
        ("field", query.field),
        ("year", query.year),
    ):
        if value:
            filters[name] = value
    result = search.query(
        INDEX_NAME,
        SearchQuery(
            text=query.text,
            filters=filters,
            date_field="issued_date",
            date_from=query.date_from,
            date_to=query.date_to,
            sort=query.sort,  # type: ignore[arg-type]
            sort_field="issued_date",
            page=query.page,
            page_size=query.page_size,
            facets=list(FACETS),
            highlight_fields=HIGHLIGHT_FIELDS if query.text else [],
        ),
    )
    facets = {
        name: [
            FacetValue(
                value=value,
                label=_label(DocumentType, value) if name == "type" else value,
                count=count,
            )
            for value, count in pairs
        ]
        for name, pairs in result.facets.items()
    }
    if "year" in facets:
        facets["year"].sort(key=lambda facet: facet.value, reverse=True)
    return LibraryResult(
        query=query,
        count=result.count,
        hits=[_hit(hit) for hit in result.hits],
        facets=facets,
    )


def documents_recent(*, limit: int = 5) -> list[OfficialDocument]:
    """The latest published documents, newest issue first, for the home page
    (with what the publisher needs to link to their pages)."""
    return list(
        OfficialDocument.objects.public().order_by("-issued_date", "-pk")[:limit]
    )
