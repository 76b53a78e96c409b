"""Elasticsearch backend, through the client's own DSL (`elasticsearch.dsl`).

Each index is an alias (`<prefix><name>`) over a concrete index
(`<prefix><name>-v<timestamp>`) created from a composable index template, so a
rebuild fills a new concrete index and moves the alias in one atomic request.
Each TEXT field is analysed exactly (lowercase) with a `.folded` sub-field (lowercase
+ ASCII folding, which folds `đ` to `d`); queries hit both and the exact field weighs
more. IDENTIFIER fields add `.norm`, a keyword normalised by stripping separators,
case and diacritics, so every spelling of a number-symbol finds the document.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

# The one module allowed to import the client (ruff TID251 bans it elsewhere).
from elasticsearch import Elasticsearch, NotFoundError, helpers  # noqa: TID251
from elasticsearch.dsl import (  # noqa: TID251
    A,
    Date,
    Index,
    Keyword,
    Long,
    Object,
    Q,
    Search,
    Text,
    analyzer,
    char_filter,
    normalizer,
)

from search.backends.base import BaseBackend, Documents, Progress, Replay
from search.registry import SearchIndex
from search.text import as_list, identifiers_in, jsonable, nfc, normalize_identifier
from search.types import FieldKind, Hit, SearchQuery, SearchResult

WORD = re.compile(r"\w+")
EXACT_BOOST = 1.6
PHRASE_BOOST = 2.0
IDENTIFIER_BOOST = 12.0
FACET_SIZE = 50
SNIPPET_CHARS = 220
BULK_CHUNK = 500

VI_FOLDED = analyzer(
    "vi_folded", tokenizer="standard", filter=["lowercase", "asciifolding"]
)
VI_EXACT = analyzer("vi_exact", tokenizer="standard", filter=["lowercase"])
VI_IDENTIFIER = normalizer(
    "vi_identifier",
    char_filter=[
        char_filter(
            "strip_separators",
            "pattern_replace",
            pattern="[^\\p{L}\\p{N}]",
            replacement="",
        )
    ],
    filter=["lowercase", "asciifolding"],
)


def build_index(index: SearchIndex, name: str, *, replicas: int = 0) -> Index:
    """The DSL Index (settings, analysis, strict mapping) for `index`."""
    es_index = Index(name)
    es_index.settings(number_of_shards=1, number_of_replicas=replicas)
    properties: dict[str, Any] = {}
    for field in index.fields:
        if field.kind in (FieldKind.TEXT, FieldKind.IDENTIFIER):
            sub: dict[str, Any] = {"folded": Text(analyzer=VI_FOLDED)}
            if field.kind is FieldKind.IDENTIFIER:
                sub["norm"] = Keyword(normalizer=VI_IDENTIFIER)
            properties[field.name] = Text(analyzer=VI_EXACT, fields=sub)
        elif field.kind is FieldKind.KEYWORD:
            properties[field.name] = Keyword()
        elif field.kind is FieldKind.DATE:
            properties[field.name] = Date()
        elif field.kind is FieldKind.INTEGER:
            properties[field.name] = Long()
        else:
            properties[field.name] = Object(enabled=False)
    es_index.analyzer(VI_FOLDED)
    es_index.analyzer(VI_EXACT)
    mapping = es_index.get_or_create_mapping()
    mapping.meta("dynamic", "strict")
    for name_, field_ in properties.items():
        mapping.field(name_, field_)
    # Normalizers are not registered by fields the way analyzers are.
    es_index.settings(
        analysis={"normalizer": {"vi_identifier": VI_IDENTIFIER.get_definition()}}
    )
    return es_index


def index_template(index: SearchIndex, alias: str, *, replicas: int = 0) -> dict:
    """The composable index template body for concrete indexes `<alias>-v*`."""
    es_index = build_index(index, alias, replicas=replicas)
    body = es_index.to_dict()
    analysis = body["settings"].setdefault("analysis", {})
    analysis.setdefault("normalizer", {}).update(
        {"vi_identifier": VI_IDENTIFIER.get_definition()}
    )
    analysis.setdefault("char_filter", {}).update(
        {
            "strip_separators": {
                "type": "pattern_replace",
                "pattern": "[^\\p{L}\\p{N}]",
                "replacement": "",
            }
        }
    )
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 200,
        "template": {"settings": body["settings"], "mappings": body["mappings"]},
    }


def text_query(index: SearchIndex, text: str, *, lenient: bool = False) -> Q | None:
    """Folded prefix-aware match of every word (`lenient`: a quarter of the words
    of a long query may miss) or a number-symbol match, boosted by exact and phrase
    matches."""
    text = nfc(text).strip()
    if not text:
        return None
    searchable = index.fields_of(FieldKind.TEXT, FieldKind.IDENTIFIER)
    folded = [f"{f.name}.folded^{f.boost:g}" for f in searchable]
    exact = [f"{f.name}^{f.boost * EXACT_BOOST:g}" for f in searchable]
    matches = [
        Q(
            "multi_match",
            query=text,
            type="bool_prefix",
            fields=folded,
            operator="or",
            minimum_should_match="3<-25%" if lenient else "100%",
        )
    ]
    normalised = normalize_identifier(text)
    wanted = set(identifiers_in(text)) | ({normalised} if normalised else set())
    for field in index.fields_of(FieldKind.IDENTIFIER):
        for value in sorted(wanted):
            matches.append(
                Q(
                    "term",
                    **{
                        f"{field.name}.norm": {
                            "value": value,
                            "boost": field.boost * IDENTIFIER_BOOST,
                        }
                    },
                )
            )
        if len(normalised) >= 3 and any(c.isdigit() for c in normalised):
            matches.append(
                Q(
                    "prefix",
                    **{
                        f"{field.name}.norm": {
                            "value": normalised,
                            "boost": field.boost * IDENTIFIER_BOOST / 3,
                        }
                    },
                )
            )
    extras = [
        Q("multi_match", query=text, type="most_fields", fields=exact),
        Q(
            "multi_match",
            query=text,
            type="phrase",
            slop=1,
            fields=folded,
            boost=PHRASE_BOOST,
        ),
        Q("multi_match", query=text, type="phrase", fields=exact, boost=PHRASE_BOOST),
    ]
    return Q(
        "bool",
        must=[Q("bool", should=matches, minimum_should_match=1)],
        should=extras,
    )


def filter_clauses(index: SearchIndex, q: SearchQuery) -> list[Q]:
    clauses = []
    for name, value in q.filters.items():
        values = as_list(value)
        kind = index.field(name).kind
        if not values:  # "any of nothing": the caller may see nothing
            clauses.append(Q("match_none"))
        elif kind is FieldKind.IDENTIFIER:
            normalised = [normalize_identifier(str(v)) for v in values]
            clauses.append(Q("terms", **{f"{name}.norm": normalised}))
        elif kind is FieldKind.INTEGER:
            clauses.append(Q("terms", **{name: [int(v) for v in values]}))
        else:
            clauses.append(Q("terms", **{name: [nfc(str(v)) for v in values]}))
    if q.date_field and (q.date_from or q.date_to):
        bounds = {"format": "strict_date_optional_time"}
        if q.date_from:
            bounds["gte"] = q.date_from.isoformat()
        if q.date_to:
            # date.max has no next day, and nothing lies after it to exclude.
            with contextlib.suppress(OverflowError):
                bounds["lt"] = (q.date_to + timedelta(days=1)).isoformat()
        clauses.append(Q("range", **{q.date_field: bounds}))
    return clauses


def build_search(
    index: SearchIndex, q: SearchQuery, alias: str, *, lenient: bool = False
) -> Search:
    """The whole request (query, filters, sort, page, facets, highlight)."""
    search = Search(index=alias).extra(track_total_hits=True)
    match = text_query(index, q.text, lenient=lenient)
    filters = filter_clauses(index, q)
    search = search.query(Q("bool", must=[match] if match else [], filter=filters))
    if q.sort != "relevance":
        field = q.sort_field or q.date_field
        search = search.sort(
            {field: {"order": "desc" if q.sort == "date_desc" else "asc"}}
        )
    start = (q.page - 1) * q.page_size
    search = search[start : start + q.page_size]
    for name in q.facets:
        search.aggs.bucket(name, A("terms", field=name, size=FACET_SIZE))
    if q.highlight_fields and match is not None:
        search = search.highlight_options(
            pre_tags=["<mark>"],
            post_tags=["</mark>"],
            encoder="html",
            fragment_size=SNIPPET_CHARS,
            number_of_fragments=1,
        )
        search = search.highlight(*[f"{name}.folded" for name in q.highlight_fields])
    return search


class ElasticsearchBackend(BaseBackend):
    """OPTIONS: URL (required), PREFIX, REPLICAS (default 0), REFRESH (bulk refresh
    policy, default "wait_for" so a write is visible to the next search), TIMEOUT."""

    def __init__(self, **options: Any) -> None:
        prefix = options.pop("PREFIX", options.pop("prefix", ""))
        super().__init__(prefix=prefix, **options)
        self.client = Elasticsearch(
            options["URL"], request_timeout=float(options.get("TIMEOUT", 30))
        )
        self.replicas = int(options.get("REPLICAS", 0))
        self.refresh = options.get("REFRESH", "wait_for")
        self._ensured: set[str] = set()

    def close(self) -> None:
        self.client.close()

    # -- index lifecycle ------------------------------------------------------

    def _put_template(self, index: SearchIndex, alias: str) -> None:
        body = index_template(index, alias, replicas=self.replicas)
        self.client.indices.put_index_template(name=alias, **body)

    def _new_concrete(self, index: SearchIndex, alias: str) -> str:
        self._put_template(index, alias)
        # "-v" keeps patterns of indexes whose names share a prefix apart.
        name = f"{alias}-v{time.time_ns()}"
        self.client.indices.create(index=name)
        return name

    def _ensure(self, index: SearchIndex) -> str:
        alias = self.physical_name(index)
        if alias not in self._ensured:
            if not self.client.indices.exists_alias(name=alias):
                concrete = self._new_concrete(index, alias)
                self.client.indices.put_alias(index=concrete, name=alias)
            self._ensured.add(alias)
        return alias

    def clear(self, index: SearchIndex) -> None:
        alias = self.physical_name(index)
        self.client.indices.delete(
            index=f"{alias}-v*", ignore_unavailable=True, allow_no_indices=True
        )
        with contextlib.suppress(NotFoundError):
            self.client.indices.delete_index_template(name=alias)
        self._ensured.discard(alias)

    # -- writing -------------------------------------------------------------

    def _actions(
        self, index: SearchIndex, target: str, documents: Documents
    ) -> Iterator[dict]:
        for doc_id, document in documents:
            self.check_document(index, doc_id, document)
            yield {
                "_op_type": "index",
                "_index": target,
                "_id": doc_id,
                "_source": {k: jsonable(v) for k, v in document.items()},
            }

    def upsert(self, index: SearchIndex, documents: list[tuple[str, dict]]) -> None:
        if not documents:
            return
        alias = self._ensure(index)
        helpers.bulk(
            self.client,
            self._actions(index, alias, documents),
            chunk_size=BULK_CHUNK,
            refresh=self.refresh,
        )

    def delete(self, index: SearchIndex, ids: list[str]) -> None:
        if not ids:
            return
        alias = self._ensure(index)
        actions = [{"_op_type": "delete", "_index": alias, "_id": i} for i in ids]
        _ok, errors = helpers.bulk(
            self.client,
            actions,
            refresh=self.refresh,
            raise_on_error=False,
        )
        real = [e for e in errors if e.get("delete", {}).get("status") != 404]
        if real:
            raise helpers.BulkIndexError(f"{len(real)} deletes failed", real)

    def rebuild(
        self,
        index: SearchIndex,
        documents: tuple[int, Documents],
        *,
        progress: Progress = None,
        replay: Replay = None,
    ) -> int:
        # Writes made through the alias while this runs land in the old index and
        # are not replayed (`search_index check` shows such drift).
        alias = self.physical_name(index)
        total, items = documents
        concrete = self._new_concrete(index, alias)
        done = 0
        try:
            for ok, item in helpers.streaming_bulk(
                self.client,
                self._actions(index, concrete, items),
                chunk_size=BULK_CHUNK,
            ):
                if not ok:
                    raise helpers.BulkIndexError("indexing failed", [item])
                done += 1
                if progress and done % BULK_CHUNK == 0:
                    progress(done, total)
            self.client.indices.refresh(index=concrete)
            if progress:  # before the switch: readers still use the old index
                progress(done, max(total, done))
        except BaseException:
            self.client.indices.delete(index=concrete, ignore_unavailable=True)
            raise
        old = []
        if self.client.indices.exists_alias(name=alias):
            old = list(self.client.indices.get_alias(name=alias).keys())
        elif self.client.indices.exists(index=alias):
            raise RuntimeError(f"{alias} is a concrete index, not an alias")
        actions = [{"remove": {"index": name, "alias": alias}} for name in old]
        actions.append({"add": {"index": concrete, "alias": alias}})
        self.client.indices.update_aliases(actions=actions)
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)
        self._ensured.add(alias)
        return self.count(index)

    # -- reading -------------------------------------------------------------

    def count(self, index: SearchIndex) -> int:
        alias = self._ensure(index)
        return int(self.client.count(index=alias)["count"])

    def search(self, index: SearchIndex, q: SearchQuery) -> SearchResult:
        self.validate(index, q)
        alias = self._ensure(index)
        response = build_search(index, q, alias).using(self.client).execute()
        # Strict first; a long query that finds nothing is retried leniently (the
        # embedded backend does the same).
        if not response.hits.total.value and len(WORD.findall(q.text or "")) >= 4:
            response = (
                build_search(index, q, alias, lenient=True).using(self.client).execute()
            )
        hits = []
        for hit in response.hits:
            meta = hit.meta
            highlight = {}
            if "highlight" in meta:
                for key, fragments in meta.highlight.to_dict().items():
                    highlight[key.removesuffix(".folded")] = fragments[0]
            hits.append(
                Hit(
                    id=meta.id,
                    score=float(meta.score or 0.0) if q.sort == "relevance" else 0.0,
                    source=hit.to_dict(),
                    highlight=highlight,
                )
            )
        facets = {}
        for name in q.facets:
            buckets = (
                response.aggregations[name].buckets if response.aggregations else []
            )
            facets[name] = [(b.key, int(b.doc_count)) for b in buckets]
        return SearchResult(count=response.hits.total.value, hits=hits, facets=facets)
