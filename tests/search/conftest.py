"""Search fixtures: a private backend per test, on the embedded engine always, on a
live OpenSearch node always (started once per session by `scripts/search-node`, or
OPENSEARCH_URL), and on Elasticsearch when ELASTICSEARCH_URL is set."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import search
from search.registry import unregister

ROOT = Path(__file__).resolve().parents[2]
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "")
# First start on a clean machine resolves OpenSearch from Maven Central.
NODE_START_TIMEOUT = 900

BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("opensearch", id="opensearch", marks=[pytest.mark.opensearch]),
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
CLUSTER_BACKENDS = [p for p in BACKENDS if p.values[0] != "embedded"]


def _node_unavailable(message: str) -> None:
    """In CI a node that cannot start fails the run; elsewhere it skips."""
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory) -> Iterator[str]:
    """A live single-node OpenSearch for the whole session (OPENSEARCH_URL wins)."""
    if OPENSEARCH_URL:
        yield OPENSEARCH_URL
        return
    env = {
        **os.environ,
        "SEARCH_NODE_DIR": str(tmp_path_factory.mktemp("search-node")),
        # The node stops by itself if this session dies without its finaliser.
        "SEARCH_NODE_PARENT_PID": str(os.getpid()),
    }
    command = [str(ROOT / "scripts" / "search-node")]
    try:
        started = subprocess.run(  # noqa: S603 — our script, fixed arguments
            [*command, "start"],
            env=env,
            capture_output=True,
            text=True,
            timeout=NODE_START_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        _node_unavailable(f"scripts/search-node start failed: {exc}")
    if started.returncode != 0 or not started.stdout.strip():
        _node_unavailable(
            "scripts/search-node start failed:\n" + started.stderr[-3000:]
        )
    url = started.stdout.strip().splitlines()[-1]
    try:
        yield url
    finally:
        subprocess.run(  # noqa: S603 — our script, fixed arguments
            [*command, "stop"], env=env, capture_output=True, timeout=120, check=False
        )


def backend_config(kind: str, tmp_path: Any, url: str = "") -> dict:
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
    if kind == "opensearch":
        return {
            "BACKEND": "search.backends.opensearch.OpenSearchBackend",
            "OPTIONS": {"URL": url, "PREFIX": prefix, "REFRESH": "true"},
        }
    return {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "OPTIONS": {"URL": ELASTICSEARCH_URL, "PREFIX": prefix, "REFRESH": "true"},
    }


def _use_backend(request, settings, tmp_path, kind: str) -> Iterator[str]:
    url = request.getfixturevalue("opensearch_url") if kind == "opensearch" else ""
    settings.SEARCH_BACKENDS = {"default": backend_config(kind, tmp_path, url)}
    search.reset()
    yield kind
    backend = search.get_backend()
    for index in search.all_indexes():
        backend.clear(index)
    search.reset()


@pytest.fixture(params=BACKENDS)
def search_backend(request, settings, tmp_path) -> Iterator[str]:
    """Point the facade at a fresh, private backend of each kind."""
    yield from _use_backend(request, settings, tmp_path, request.param)


@pytest.fixture(params=CLUSTER_BACKENDS)
def cluster_backend(request, settings, tmp_path) -> Iterator[str]:
    """A fresh, private index prefix on each live cluster engine."""
    yield from _use_backend(request, settings, tmp_path, request.param)


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
