"""The request bodies Elasticsearch and OpenSearch agree on, as plain JSON.

One builder for both cluster engines: the index template (settings, analysis, strict
mapping), the query (text, number-symbols, filters, dates), sorting, paging, facets,
highlighting and the ranking rescore. Each TEXT field is analysed exactly (lowercase)
with a `.folded` sub-field (lowercase + ASCII folding, which folds `đ` to `d`); queries
hit both and the exact field weighs more. IDENTIFIER fields add `.norm`, a keyword
normalised by stripping separators, case and diacritics, so every spelling of a
number-symbol finds the document. STORED fields are kept in `_source` only.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Any

from search.ranking import Ranking
from search.registry import SearchIndex
from search.text import as_list, identifiers_in, nfc, normalize_identifier
from search.types import FieldKind, SearchQuery

EXACT_BOOST = 1.6
PHRASE_BOOST = 2.0
IDENTIFIER_BOOST = 12.0
FACET_SIZE = 50
SNIPPET_CHARS = 220
REFRESH_INTERVAL = "1s"

ANALYSIS: dict[str, Any] = {
    "analyzer": {
        "vi_folded": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        },
        "vi_exact": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase"],
        },
    },
    "char_filter": {
        "strip_separators": {
            "type": "pattern_replace",
            "pattern": "[^\\p{L}\\p{N}]",
            "replacement": "",
        }
    },
    "normalizer": {
        "vi_identifier": {
            "type": "custom",
            "char_filter": ["strip_separators"],
            "filter": ["lowercase", "asciifolding"],
        }
    },
}


def mappings(index: SearchIndex) -> dict[str, Any]:
    """A strict mapping: a document with an undeclared field is refused."""
    properties: dict[str, Any] = {}
    for field in index.fields:
        if field.kind in (FieldKind.TEXT, FieldKind.IDENTIFIER):
            sub: dict[str, Any] = {"folded": {"type": "text", "analyzer": "vi_folded"}}
            if field.kind is FieldKind.IDENTIFIER:
                sub["norm"] = {"type": "keyword", "normalizer": "vi_identifier"}
            properties[field.name] = {
                "type": "text",
                "analyzer": "vi_exact",
                "fields": sub,
            }
        elif field.kind is FieldKind.KEYWORD:
            properties[field.name] = {"type": "keyword"}
        elif field.kind is FieldKind.DATE:
            properties[field.name] = {"type": "date"}
        elif field.kind is FieldKind.INTEGER:
            properties[field.name] = {"type": "long"}
        else:  # STORED: any JSON value, kept in _source, never indexed
            properties[field.name] = {"type": "object", "enabled": False}
    return {"dynamic": "strict", "properties": properties}


def index_settings(
    *, replicas: int = 0, refresh_interval: str = REFRESH_INTERVAL
) -> dict:
    return {
        "number_of_shards": 1,
        "number_of_replicas": replicas,
        "refresh_interval": refresh_interval,
        "analysis": ANALYSIS,
    }


def index_template(index: SearchIndex, alias: str, *, replicas: int = 0) -> dict:
    """The composable index template body for concrete indexes `<alias>-v*`."""
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 200,
        "template": {
            "settings": index_settings(replicas=replicas),
            "mappings": mappings(index),
        },
    }


def text_query(
    index: SearchIndex, text: str, *, lenient: bool = False
) -> dict[str, Any] | None:
    """Folded prefix-aware match of every word (`lenient`: a quarter of the words
    of a long query may miss) or a number-symbol match, boosted by exact and phrase
    matches."""
    text = nfc(text).strip()
    if not text:
        return None
    searchable = index.fields_of(FieldKind.TEXT, FieldKind.IDENTIFIER)
    folded = [f"{f.name}.folded^{f.boost:g}" for f in searchable]
    exact = [f"{f.name}^{f.boost * EXACT_BOOST:g}" for f in searchable]
    matches: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": text,
                "type": "bool_prefix",
                "fields": folded,
                "operator": "or",
                "minimum_should_match": "3<-25%" if lenient else "100%",
            }
        }
    ]
    normalised = normalize_identifier(text)
    wanted = set(identifiers_in(text)) | ({normalised} if normalised else set())
    for field in index.fields_of(FieldKind.IDENTIFIER):
        for value in sorted(wanted):
            matches.append(
                {
                    "term": {
                        f"{field.name}.norm": {
                            "value": value,
                            "boost": field.boost * IDENTIFIER_BOOST,
                        }
                    }
                }
            )
        if len(normalised) >= 3 and any(c.isdigit() for c in normalised):
            matches.append(
                {
                    "prefix": {
                        f"{field.name}.norm": {
                            "value": normalised,
                            "boost": field.boost * IDENTIFIER_BOOST / 3,
                        }
                    }
                }
            )
    extras = [
        {"multi_match": {"query": text, "type": "most_fields", "fields": exact}},
        {
            "multi_match": {
                "query": text,
                "type": "phrase",
                "slop": 1,
                "fields": folded,
                "boost": PHRASE_BOOST,
            }
        },
        {
            "multi_match": {
                "query": text,
                "type": "phrase",
                "fields": exact,
                "boost": PHRASE_BOOST,
            }
        },
    ]
    return {
        "bool": {
            "must": [{"bool": {"should": matches, "minimum_should_match": 1}}],
            "should": extras,
        }
    }


def filter_clauses(index: SearchIndex, q: SearchQuery) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for name, value in q.filters.items():
        values = as_list(value)
        kind = index.field(name).kind
        if not values:  # "any of nothing": the caller may see nothing
            clauses.append({"match_none": {}})
        elif kind is FieldKind.IDENTIFIER:
            normalised = [normalize_identifier(str(v)) for v in values]
            clauses.append({"terms": {f"{name}.norm": normalised}})
        elif kind is FieldKind.INTEGER:
            clauses.append({"terms": {name: [int(v) for v in values]}})
        else:
            clauses.append({"terms": {name: [nfc(str(v)) for v in values]}})
    if q.date_field and (q.date_from or q.date_to):
        bounds: dict[str, str] = {}
        if q.date_from:
            bounds["gte"] = q.date_from.isoformat()
        if q.date_to:
            # date.max has no next day, and nothing lies after it to exclude.
            with contextlib.suppress(OverflowError):
                bounds["lt"] = (q.date_to + timedelta(days=1)).isoformat()
        if bounds:
            bounds["format"] = "strict_date_optional_time"
            clauses.append({"range": {q.date_field: bounds}})
    return clauses


def highlight_body(index: SearchIndex, q: SearchQuery) -> dict[str, Any]:
    """Whole matched words only: the highlight query is the plain (folded) words,
    without the last word's prefix expansion that finds documents, so "thu" marks
    "thư" and "thu" but not "thức"."""
    fields = [f"{name}.folded" for name in q.highlight_fields]
    return {
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "fragment_size": SNIPPET_CHARS,
        "number_of_fragments": 1,
        "require_field_match": True,
        "highlight_query": {
            "multi_match": {
                "query": nfc(q.text).strip(),
                "type": "best_fields",
                "fields": fields,
                "operator": "or",
            }
        },
        "fields": {name: {} for name in fields},
    }


def rescore_body(ranking: Ranking, today: date) -> dict[str, Any]:
    """`search.ranking`'s factor as a rescore of the best `window` matches."""
    inner: list[dict[str, Any]] = [{"weight": 1}]
    if ranking.recency_field and ranking.recency_weight:
        inner.append(
            {
                "exp": {
                    ranking.recency_field: {
                        "origin": today.isoformat(),
                        "scale": f"{ranking.recency_half_life_days}d",
                        "decay": 0.5,
                    }
                },
                "weight": ranking.recency_weight,
            }
        )
    outer: list[dict[str, Any]] = [{"weight": 1}]
    if ranking.status_field:
        for value, weight in sorted(ranking.status_weights.items()):
            outer.append(
                {
                    "filter": {"term": {ranking.status_field: value}},
                    "weight": weight,
                }
            )
    factor = {
        "function_score": {
            "query": {
                "function_score": {
                    "query": {"match_all": {}},
                    "functions": inner,
                    "score_mode": "sum",
                    "boost_mode": "replace",
                }
            },
            "functions": outer,
            "score_mode": "multiply",
            "boost_mode": "multiply",
        }
    }
    return {
        "window_size": ranking.window,
        "query": {
            "rescore_query": factor,
            "query_weight": 1.0,
            "rescore_query_weight": 1.0,
            "score_mode": "multiply",
        },
    }


def search_body(
    index: SearchIndex,
    q: SearchQuery,
    *,
    lenient: bool = False,
    ranking: Ranking | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The whole request (query, filters, sort, page, facets, highlight, rescore)."""
    match = text_query(index, q.text, lenient=lenient)
    filters = filter_clauses(index, q)
    query: dict[str, Any] = {}
    if match:
        query["must"] = [match]
    if filters:
        query["filter"] = filters
    start = (q.page - 1) * q.page_size
    body: dict[str, Any] = {
        "query": {"bool": query},
        "track_total_hits": True,
        "from": start,
        "size": q.page_size,
    }
    if q.sort != "relevance":
        field = q.sort_field or q.date_field
        order = "desc" if q.sort == "date_desc" else "asc"
        body["sort"] = [{field: {"order": order}}]
    elif match is not None and ranking is not None and today is not None:
        body["rescore"] = [rescore_body(ranking, today)]
    if q.facets:
        body["aggs"] = {
            name: {"terms": {"field": name, "size": FACET_SIZE}} for name in q.facets
        }
    if q.highlight_fields and match is not None:
        body["highlight"] = highlight_body(index, q)
    return body
