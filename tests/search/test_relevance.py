"""Relevance on every backend: mean reciprocal rank over a labelled set, and legal
status as a ranking signal after the words (a replaced or expired document never
outranks the one in force on the same words)."""

from __future__ import annotations

import sys

import pytest

import search
from search import Field, FieldKind, SearchQuery
from search.ranking import Ranking
from search.registry import unregister

from .relevance_corpus import OUTRANK, QUERIES, TARGETS, documents

MRR_TARGET = 0.9
TOP = 10


class RelevanceIndex(search.SearchIndex):
    name = "relevance-docs"
    fields = [
        Field("number", FieldKind.IDENTIFIER, boost=3.0),
        Field("title", FieldKind.TEXT, boost=2.0),
        Field("body", FieldKind.TEXT),
        Field("doc_type", FieldKind.KEYWORD, facet=True),
        Field("issuer", FieldKind.KEYWORD, facet=True),
        Field("legal_status", FieldKind.KEYWORD, facet=True),
        Field("issued", FieldKind.DATE),
    ]
    # What the public library declares (settings.SEARCH_RANKING["documents"]).
    ranking = Ranking(
        status_field="legal_status",
        status_weights={"replaced": 0.3, "expired": 0.3},
        recency_field="issued",
    )
    docs: list[dict] = []

    def get_queryset(self) -> list[dict]:
        return self.docs

    def document_id(self, obj: dict) -> str:
        return obj["id"]

    def to_document(self, obj: dict) -> dict:
        return {key: value for key, value in obj.items() if key != "id"}


@pytest.fixture
def relevance_index(search_backend):
    RelevanceIndex.docs = documents()
    search.register(RelevanceIndex)
    search.rebuild("relevance-docs")
    yield RelevanceIndex
    unregister("relevance-docs")


def ranked(text: str) -> list[str]:
    result = search.query("relevance-docs", SearchQuery(text=text, page_size=TOP))
    return [hit.id for hit in result.hits]


def test_the_set_is_big_and_varied_enough():
    docs = documents()
    assert len(docs) >= 200
    assert len(QUERIES) >= 40
    assert len({d["number"] for d in docs}) == len(docs)
    assert {doc_id for _, doc_id in QUERIES} <= {t[0] for t in TARGETS}
    plain = [text for text, _ in QUERIES if text.isascii()]
    assert len(plain) >= 10 and len(QUERIES) - len(plain) >= 10
    statuses = {d["id"]: d["legal_status"] for d in docs}
    assert all(statuses[older] != "in-force" for _, _, older in OUTRANK)


def test_mean_reciprocal_rank(relevance_index, search_backend, capsys):
    assert search.count("relevance-docs") == len(RelevanceIndex.docs)
    reciprocal = []
    misses = []
    for text, wanted in QUERIES:
        ids = ranked(text)
        rank = ids.index(wanted) + 1 if wanted in ids else None
        reciprocal.append(1 / rank if rank else 0.0)
        if rank != 1:
            misses.append(f"  {text!r}: {wanted} at rank {rank}, top {ids[:3]}")
    mrr = sum(reciprocal) / len(reciprocal)
    with capsys.disabled():
        sys.stdout.write(
            f"\nsearch relevance ({search_backend}): MRR@{TOP} = {mrr:.3f} over "
            f"{len(QUERIES)} queries, {len(RelevanceIndex.docs)} documents\n"
        )
        sys.stdout.write("".join(line + "\n" for line in misses))
    assert mrr >= MRR_TARGET


@pytest.mark.parametrize(("text", "in_force", "older"), OUTRANK)
def test_in_force_document_outranks_the_one_it_replaced(
    relevance_index, text, in_force, older
):
    ids = ranked(text)
    assert in_force in ids and older in ids
    assert ids.index(in_force) < ids.index(older)


def test_on_words_alone_the_replaced_decree_would_win(relevance_index, settings):
    # The same index with the signals switched off by settings: the older decree
    # matches "công tác văn thư" better, so legal status is what puts 30/2020 first.
    settings.SEARCH_RANKING = {"relevance-docs": {}}
    ids = ranked("công tác văn thư")
    assert ids.index("t37") < ids.index("t36")


def test_replaced_hits_keep_their_status_for_the_link(relevance_index):
    hits = search.query("relevance-docs", SearchQuery(text="công tác văn thư")).hits
    statuses = {hit.id: hit.source["legal_status"] for hit in hits}
    assert statuses["t36"] == "in-force" and statuses["t37"] == "replaced"
