"""The embedded backend's queries: text matching, filters, highlighting and the
ranking window, built from tantivy queries (the backend in `embedded.py` runs them).

Matching uses the folded copies (`<f>__f`, so `đ` matches `d`); the exact copies
(`<f>__x`) and phrases only add score. The last word of a query also matches as a
prefix. Highlighting marks whole words only: a word of the document is marked when
its folded form equals a folded query word, so "thu" marks "thư" but not "thức".
"""

from __future__ import annotations

import contextlib
import html
import json
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

import tantivy
from tantivy import Document, Filter, Occur, Query, TextAnalyzerBuilder, Tokenizer

from search.ranking import Ranking
from search.registry import SearchIndex
from search.text import as_list, identifiers_in, nfc, normalize_identifier
from search.types import FieldKind, SearchQuery

EXACT_BOOST = 1.6
PHRASE_BOOST = 2.0
PREFIX_BOOST = 0.6
IDENTIFIER_BOOST = 12.0
SNIPPET_CHARS = 220
FACET_SIZE = 50


def _analyzer(*, folded: bool) -> tantivy.TextAnalyzer:
    builder = TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(60))
    builder = builder.filter(Filter.lowercase())
    if folded:
        builder = builder.filter(Filter.ascii_fold())
    return builder.build()


FOLD_ANALYZER = _analyzer(folded=True)
EXACT_ANALYZER = _analyzer(folded=False)


def local_naive(value: Any) -> datetime:
    if isinstance(value, str):
        value = (
            datetime.fromisoformat(value)
            if "T" in value or " " in value
            else (date.fromisoformat(value))
        )
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"not a date: {value!r}")


# tantivy stores a date as nanoseconds since the epoch in an i64, so it can hold
# 1677-09-21..2262-04-11 (UTC; a naive datetime is read as UTC) and refuses a range
# bound outside that. No document can lie beyond those limits, so a bound beyond
# them is the limit itself: the range keeps its meaning and never raises.
_FIRST_DATETIME = tantivy.MIN_DATETIME.replace(tzinfo=None)
_LAST_DATETIME = tantivy.MAX_DATETIME.replace(tzinfo=None)


def _date_range(q: SearchQuery) -> tuple[datetime, datetime]:
    """The [lower, upper) datetimes of `q`'s inclusive date bounds, clamped to the
    range tantivy can represent (an open side is the limit on that side)."""
    lower = local_naive(q.date_from) if q.date_from else _FIRST_DATETIME
    upper = _LAST_DATETIME
    if q.date_to:
        with contextlib.suppress(OverflowError):  # date.max has no next day
            upper = local_naive(q.date_to + timedelta(days=1))
    return (
        min(max(lower, _FIRST_DATETIME), _LAST_DATETIME),
        min(max(upper, _FIRST_DATETIME), _LAST_DATETIME),
    )


def text_query(
    index: SearchIndex,
    schema: tantivy.Schema,
    text: str,
    folded: list[str],
    exact: list[str],
    *,
    lenient: bool = False,
) -> Query | None:
    """Every word must match (the last one as a prefix); `lenient` lets a
    quarter of the words of a long query miss."""
    if not text:
        return None
    searchable = index.fields_of(FieldKind.TEXT, FieldKind.IDENTIFIER)
    identifiers = index.fields_of(FieldKind.IDENTIFIER)
    matches: list[tuple[Occur, Query]] = []
    extras: list[tuple[Occur, Query]] = []
    if folded:
        # Matching uses the folded copies only (an exact match is also a folded
        # match); the exact copies and phrases only add score, so they are
        # optional clauses evaluated on the matching documents alone.
        per_token = []
        exact_terms = []
        for position, (fold_token, exact_token) in enumerate(
            zip(folded, exact, strict=False)
        ):
            last = position == len(folded) - 1
            options = []
            for field in searchable:
                options.append(
                    Query.boost_query(
                        Query.term_query(schema, f"{field.name}__f", fold_token),
                        field.boost,
                    )
                )
                if last:
                    options.append(
                        Query.boost_query(
                            Query.fuzzy_term_query(
                                schema,
                                f"{field.name}__f",
                                fold_token,
                                distance=0,
                                prefix=True,
                            ),
                            field.boost * PREFIX_BOOST,
                        )
                    )
                if exact_token != fold_token:  # typed with diacritics
                    exact_terms.append(
                        Query.boost_query(
                            Query.term_query(schema, f"{field.name}__x", exact_token),
                            field.boost * EXACT_BOOST,
                        )
                    )
            per_token.append(Query.boolean_query([(Occur.Should, o) for o in options]))
        required = len(per_token) - len(per_token) // 4 if lenient else 0
        if not required or required == len(per_token):
            tokens_match = Query.boolean_query(
                [(Occur.Must, clause) for clause in per_token]
            )
        else:
            tokens_match = Query.boolean_query(
                [(Occur.Should, clause) for clause in per_token],
                minimum_number_should_match=required,
            )
        matches.append((Occur.Should, tokens_match))
        if exact_terms:
            extras.append(
                (
                    Occur.Should,
                    Query.boolean_query([(Occur.Should, t) for t in exact_terms]),
                )
            )
        if len(folded) > 1:
            for field in index.fields_of(FieldKind.TEXT):
                extras.append(
                    (
                        Occur.Should,
                        Query.boost_query(
                            Query.phrase_query(
                                schema, f"{field.name}__f", folded, slop=1
                            ),
                            field.boost * PHRASE_BOOST,
                        ),
                    )
                )
    normalised = normalize_identifier(text)
    wanted = set(identifiers_in(text))
    if normalised:
        wanted.add(normalised)
    for field in identifiers:
        for value in sorted(wanted):
            matches.append(
                (
                    Occur.Should,
                    Query.boost_query(
                        Query.term_query(schema, f"{field.name}__n", value),
                        field.boost * IDENTIFIER_BOOST,
                    ),
                )
            )
        if len(normalised) >= 3 and any(c.isdigit() for c in normalised):
            # A number-symbol typed only in part: "15/2016" finds 15/2016/QĐ-UBND.
            matches.append(
                (
                    Occur.Should,
                    Query.boost_query(
                        Query.fuzzy_term_query(
                            schema,
                            f"{field.name}__n",
                            normalised,
                            distance=0,
                            prefix=True,
                        ),
                        field.boost * IDENTIFIER_BOOST / 3,
                    ),
                )
            )
    if not matches:
        return None
    match = Query.boolean_query(matches, minimum_number_should_match=1)
    if not extras:
        return match
    return Query.boolean_query([(Occur.Must, match), *extras])


def filter_queries(
    index: SearchIndex, schema: tantivy.Schema, q: SearchQuery
) -> list[Query]:
    clauses = []
    for name, value in q.filters.items():
        kind = index.field(name).kind
        values = as_list(value)
        if not values:  # "any of nothing": the caller may see nothing
            clauses.append(Query.empty_query())
            continue
        if kind is FieldKind.IDENTIFIER:
            terms: list[Any] = [normalize_identifier(str(v)) for v in values]
            clauses.append(Query.term_set_query(schema, f"{name}__n", terms))
        elif kind is FieldKind.INTEGER:
            clauses.append(Query.term_set_query(schema, name, [int(v) for v in values]))
        else:
            clauses.append(
                Query.term_set_query(schema, name, [nfc(str(v)) for v in values])
            )
    if q.date_field and (q.date_from or q.date_to):
        lower, upper = _date_range(q)
        clauses.append(
            Query.range_query(
                schema,
                q.date_field,
                tantivy.FieldType.Date,
                lower,
                upper,
                include_lower=True,
                include_upper=False,
            )
        )
    return clauses


def snippet_generators(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    names: list[str],
    folded: list[str],
) -> dict[str, tantivy.SnippetGenerator]:
    generators = {}
    # Whole words only (no prefix expansion of the last word): see the docstring.
    terms = set(folded)
    for name in names:
        field = f"{name}__f"
        if not terms:
            continue
        query = Query.boolean_query(
            [(Occur.Should, Query.term_query(schema, field, t)) for t in sorted(terms)]
        )
        generator = tantivy.SnippetGenerator.create(searcher, query, schema, field)
        generator.set_max_num_chars(SNIPPET_CHARS)
        generators[name] = generator
    return generators


def highlight(
    generators: dict[str, tantivy.SnippetGenerator], source: dict
) -> dict[str, str]:
    highlight = {}
    for name, generator in generators.items():
        values = [str(v) for v in as_list(source.get(name))]
        if not values:
            continue
        doc = Document()
        doc.add_text(f"{name}__f", "\n".join(values))
        snippet = generator.snippet_from_doc(doc)
        ranges = [(r.start, r.end) for r in snippet.highlighted()]
        if ranges:
            highlight[name] = _mark(snippet.fragment(), ranges)
    return highlight


def _mark(fragment: str, ranges: list[tuple[int, int]]) -> str:
    """Escape `fragment` and wrap the byte ranges in <mark>."""
    data = fragment.encode()
    out = []
    position = 0
    for start, end in sorted(ranges):
        if start < position:
            continue
        out.append(html.escape(data[position:start].decode(errors="ignore")))
        out.append(
            "<mark>" + html.escape(data[start:end].decode(errors="ignore")) + "</mark>"
        )
        position = end
    out.append(html.escape(data[position:].decode(errors="ignore")))
    return "".join(out)


def stored(searcher: tantivy.Searcher, address: Any) -> tuple[str, dict[str, Any]]:
    """The id and source document at `address`."""
    doc = searcher.doc(address)
    return str(doc.get_first("_id")), json.loads(bytes(doc.get_first("_src")))


def rescore(
    searcher: tantivy.Searcher,
    query: Query,
    q: SearchQuery,
    ranking: Ranking,
    today: date,
) -> tuple[int, list[tuple[float, str, dict[str, Any]]]] | None:
    """The page of `q` with the best `ranking.window` text matches re-sorted by
    `ranking.factor` (the cluster engines' rescore); None when the page lies
    beyond the window (it keeps its text order). Returns (count, [(score,
    id, source)])."""
    offset = (q.page - 1) * q.page_size
    if offset >= ranking.window:
        return None
    result = searcher.search(query, ranking.window, count=True)
    scored = []
    for position, (score, address) in enumerate(result.hits):
        doc_id, source = stored(searcher, address)
        scored.append((score * ranking.factor(source, today), position, doc_id, source))
    scored.sort(key=lambda item: (-item[0], item[1]))
    page = scored[offset : offset + q.page_size]
    if len(page) < q.page_size and result.count > ranking.window:
        # A page that straddles the window's end continues in text order.
        rest = searcher.search(
            query,
            q.page_size - len(page),
            count=False,
            offset=ranking.window,
        )
        for score, address in rest.hits:
            doc_id, source = stored(searcher, address)
            page.append((score * ranking.factor(source, today), 0, doc_id, source))
    return result.count, [(score, doc_id, source) for score, _, doc_id, source in page]
