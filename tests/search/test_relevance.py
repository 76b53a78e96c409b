"""Relevance on the embedded backend: mean reciprocal rank over a labelled set."""

from __future__ import annotations

import sys

import pytest

import search
from search import Field, FieldKind, SearchQuery
from search.registry import unregister

from .relevance_corpus import QUERIES, TARGETS, documents

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
        Field("issued", FieldKind.DATE),
    ]
    docs: list[dict] = []

    def get_queryset(self) -> list[dict]:
        return self.docs

    def document_id(self, obj: dict) -> str:
        return obj["id"]

    def to_document(self, obj: dict) -> dict:
        return {key: value for key, value in obj.items() if key != "id"}


@pytest.fixture
def relevance_index(embedded_backend):
    RelevanceIndex.docs = documents()
    search.register(RelevanceIndex)
    search.rebuild("relevance-docs")
    yield RelevanceIndex
    unregister("relevance-docs")


def test_the_set_is_big_and_varied_enough():
    docs = documents()
    assert len(docs) >= 200
    assert len(QUERIES) >= 40
    assert len({d["number"] for d in docs}) == len(docs)
    assert {doc_id for _, doc_id in QUERIES} <= {t[0] for t in TARGETS}
    plain = [text for text, _ in QUERIES if text.isascii()]
    assert len(plain) >= 10 and len(QUERIES) - len(plain) >= 10


def test_mean_reciprocal_rank(relevance_index, capsys):
    assert search.count("relevance-docs") == len(RelevanceIndex.docs)
    reciprocal = []
    misses = []
    for text, wanted in QUERIES:
        hits = search.query(
            "relevance-docs", SearchQuery(text=text, page_size=TOP)
        ).hits
        ranked = [hit.id for hit in hits]
        rank = ranked.index(wanted) + 1 if wanted in ranked else None
        reciprocal.append(1 / rank if rank else 0.0)
        if rank != 1:
            misses.append(f"  {text!r}: {wanted} at rank {rank}, top {ranked[:3]}")
    mrr = sum(reciprocal) / len(reciprocal)
    with capsys.disabled():
        sys.stdout.write(
            f"\nsearch relevance (embedded): MRR@{TOP} = {mrr:.3f} over "
            f"{len(QUERIES)} queries, {len(RelevanceIndex.docs)} documents\n"
        )
        sys.stdout.write("".join(line + "\n" for line in misses))
    assert mrr >= MRR_TARGET
