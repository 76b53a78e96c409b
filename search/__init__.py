"""Search facade: the only entry point the rest of the code uses.

Backends are chosen by `settings.SEARCH_BACKENDS` (shaped like CACHES):
`search.backends.embedded.EmbeddedBackend` (tantivy, no server; the default),
`search.backends.opensearch.OpenSearchBackend` or
`search.backends.elasticsearch.ElasticsearchBackend` (the two cluster engines share
one body builder, `search.backends.cluster_body`). Apps declare what they index
in `<app>/search_indexes.py` (see `search.registry.SearchIndex`); ranking signals
after the words (legal status, recency) are in `search.ranking`. This package
imports no domain model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from search.registry import SearchIndex, all_indexes, get_index, register
from search.types import (
    Field,
    FieldKind,
    Hit,
    SearchError,
    SearchQuery,
    SearchResult,
)

if TYPE_CHECKING:
    from search.backends.base import BaseBackend

__all__ = [
    "Field",
    "FieldKind",
    "Hit",
    "SearchError",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "all_indexes",
    "check",
    "count",
    "get_backend",
    "get_index",
    "index_later",
    "index_objects",
    "query",
    "rebuild",
    "refresh",
    "register",
    "remove_later",
    "remove_objects",
    "reset",
]

ProgressCallback = Callable[[int, int], None]
BULK_SIZE = 500


def get_backend(alias: str = "default") -> BaseBackend:
    """The configured backend (built once per process; `reset()` forgets it)."""
    from search.backends import get_backend as _get

    return _get(alias)


def reset() -> None:
    """Forget cached backends (tests call this after changing settings)."""
    from search.backends import reset as _reset

    _reset()


def index_objects(index_name: str, objects: Iterable[Any]) -> int:
    """Upsert `objects` in bulk (`to_document` each); objects for which
    `should_index` is false are removed instead. Returns how many were upserted."""
    index = get_index(index_name)
    backend = get_backend()
    batch: list[tuple[str, dict[str, Any]]] = []
    removed: list[str] = []
    upserted = 0
    for obj in objects:
        doc_id = index.document_id(obj)
        if index.should_index(obj):
            batch.append((doc_id, index.to_document(obj)))
        else:
            removed.append(doc_id)
        if len(batch) >= BULK_SIZE:
            backend.upsert(index, batch)
            upserted += len(batch)
            batch = []
    if batch:
        backend.upsert(index, batch)
        upserted += len(batch)
    if removed:
        backend.delete(index, removed)
    return upserted


def remove_objects(index_name: str, ids: Iterable[str]) -> None:
    """Remove documents by id; unknown ids are ignored."""
    index = get_index(index_name)
    ids = [str(i) for i in ids]
    if ids:
        get_backend().delete(index, ids)


def query(index_name: str, q: SearchQuery) -> SearchResult:
    """Run a search; raises SearchError for a field the index does not declare."""
    index = get_index(index_name)
    return get_backend().search(index, q)


def count(index_name: str) -> int:
    """How many documents the index holds."""
    return get_backend().count(get_index(index_name))


def rebuild(index_name: str, *, progress: ProgressCallback | None = None) -> int:
    """Index everything `get_queryset()` yields into a fresh index, then switch to it
    atomically (an alias on the cluster engines, a pointer file on the embedded
    engine), so searches keep working during the rebuild; objects written while it
    runs are re-read after the switch, so no write is lost. `progress(done, total)`
    is called after each batch. Returns how many documents the new index holds."""
    index = get_index(index_name)
    return get_backend().rebuild(
        index,
        _documents(index),
        progress=progress,
        replay=functools.partial(refresh, index_name),
    )


def refresh(index_name: str, ids: Iterable[str]) -> int:
    """Re-read these objects: upsert those to index, remove those that are hidden or
    gone (what the indexing task does). Returns how many were upserted."""
    index = get_index(index_name)
    id_list = [str(i) for i in ids]
    objects = list(index.get_objects(id_list))
    present = {index.document_id(obj) for obj in objects}
    upserted = index_objects(index_name, objects)
    missing = [i for i in id_list if i not in present]
    if missing:
        remove_objects(index_name, missing)
    return upserted


def check(index_name: str) -> tuple[int, int]:
    """(documents that should be indexed, documents in the index)."""
    index = get_index(index_name)
    expected = sum(1 for obj in _iterate(index) if index.should_index(obj))
    return expected, count(index_name)


def index_later(index_name: str, ids: Iterable[str]) -> None:
    """Queue `index_objects_task` once the current transaction commits (nothing if
    it rolls back). A broker failure is logged, never raised into the request: the
    write has committed and `search_index check` reports the drift."""
    from search.tasks import index_objects_task

    _enqueue_on_commit(index_objects_task, index_name, ids)


def remove_later(index_name: str, ids: Iterable[str]) -> None:
    """Queue `remove_objects_task` once the current transaction commits."""
    from search.tasks import remove_objects_task

    _enqueue_on_commit(remove_objects_task, index_name, ids)


def _pending_ids() -> dict[tuple[str, str], set[str]]:
    """Ids waiting for the current transaction to commit, per (task, index): a
    dossier saved with its files asks for itself once per save, and is indexed once.

    Kept on the connection and started afresh when it holds no commit callbacks
    (every earlier transaction has then committed or rolled back), so ids of a
    rolled-back transaction never leak into the next one.
    """
    connection = transaction.get_connection()
    if not connection.run_on_commit or not hasattr(connection, "_search_pending"):
        connection._search_pending = {}
    return connection._search_pending


def _enqueue_on_commit(task: Any, index_name: str, ids: Iterable[str]) -> None:
    get_index(index_name)  # an unknown index is a programming error: fail now
    id_set = {str(i) for i in ids}
    if not id_set:
        return
    pending = _pending_ids()
    key = (task.name, index_name)
    pending.setdefault(key, set()).update(id_set)

    def enqueue() -> None:
        # The first callback to run takes every id gathered so far; the others
        # find nothing left. (Ids of a rolled-back savepoint stay and are re-read
        # with the rest, which the idempotent task tolerates.)
        id_list = sorted(pending.pop(key, set()))
        if id_list:
            task.delay(index_name, id_list)

    transaction.on_commit(enqueue, robust=True)


def _iterate(index: SearchIndex) -> Iterable[Any]:
    queryset = index.get_queryset()
    iterator = getattr(queryset, "iterator", None)
    return iterator(chunk_size=BULK_SIZE) if iterator else queryset


def _documents(index: SearchIndex) -> tuple[int, Iterable[tuple[str, dict[str, Any]]]]:
    queryset = index.get_queryset()
    total = len(queryset) if isinstance(queryset, list | tuple) else queryset.count()

    def generate() -> Iterable[tuple[str, dict[str, Any]]]:
        for obj in _iterate(index):
            if index.should_index(obj):
                yield index.document_id(obj), index.to_document(obj)

    return total, generate()
