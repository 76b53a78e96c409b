"""Search fixtures: a private backend per test, on the embedded engine always and on
Elasticsearch when ELASTICSEARCH_URL is set."""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

import search
from search.registry import unregister

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")

BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param(
        "elasticsearch",
        id="elasticsearch",
        marks=[
            pytest.mark.elasticsearch,
            pytest.mark.skipif(
                not ELASTICSEARCH_URL, reason="ELASTICSEARCH_URL is not set"
            ),
        ],
    ),
]


def backend_config(kind: str, tmp_path: Any) -> dict:
    prefix = f"test-{uuid.uuid4().hex[:10]}-"
    if kind == "embedded":
        return {
            "BACKEND": "search.backends.embedded.EmbeddedBackend",
            "OPTIONS": {
                "PATH": tmp_path / "search",
                "PREFIX": prefix,
                "LOCK_TIMEOUT": 5,
            },
        }
    return {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "OPTIONS": {"URL": ELASTICSEARCH_URL, "PREFIX": prefix, "REFRESH": "true"},
    }


@pytest.fixture(params=BACKENDS)
def search_backend(request, settings, tmp_path) -> Iterator[str]:
    """Point the facade at a fresh, private backend of each kind."""
    settings.SEARCH_BACKENDS = {"default": backend_config(request.param, tmp_path)}
    search.reset()
    yield request.param
    backend = search.get_backend()
    for index in search.all_indexes():
        backend.clear(index)
    search.reset()


@pytest.fixture
def embedded_backend(settings, tmp_path) -> Iterator[str]:
    settings.SEARCH_BACKENDS = {"default": backend_config("embedded", tmp_path)}
    search.reset()
    yield "embedded"
    search.reset()


@dataclasses.dataclass
class Doc:
    """An in-memory stand-in for an indexed model (search/ imports no domain model)."""

    pk: str
    number: str = ""
    title: str = ""
    body: str = ""
    agency: str | list[str] = ""
    doc_type: str = ""
    issued: date | None = None
    pages: int = 1
    url: str = ""
    published: bool = True


class DocIndex(search.SearchIndex):
    """Published-document-like index used by the contract suite."""

    name = "contract-docs"
    fields = [
        search.Field("number", search.FieldKind.IDENTIFIER, boost=3.0),
        search.Field("title", search.FieldKind.TEXT, boost=2.0),
        search.Field("body", search.FieldKind.TEXT),
        search.Field("agency", search.FieldKind.KEYWORD, facet=True),
        search.Field("doc_type", search.FieldKind.KEYWORD, facet=True),
        search.Field("issued", search.FieldKind.DATE),
        search.Field("pages", search.FieldKind.INTEGER),
        search.Field("url", search.FieldKind.STORED),
    ]
    objects: list[Doc] = []

    def get_queryset(self) -> list[Doc]:
        return list(self.objects)

    def get_objects(self, ids):
        wanted = set(ids)
        return [obj for obj in self.objects if obj.pk in wanted]

    def document_id(self, obj: Doc) -> str:
        return obj.pk

    def should_index(self, obj: Doc) -> bool:
        return obj.published

    def to_document(self, obj: Doc) -> dict:
        return {
            "number": obj.number,
            "title": obj.title,
            "body": obj.body,
            "agency": obj.agency,
            "doc_type": obj.doc_type,
            "issued": obj.issued,
            "pages": obj.pages,
            "url": obj.url,
        }


@pytest.fixture
def doc_index() -> Iterator[type[DocIndex]]:
    DocIndex.objects = []
    search.register(DocIndex)
    yield DocIndex
    unregister(DocIndex.name)
    DocIndex.objects = []
