"""Embedded search backend: tantivy (a Lucene-like Rust engine), no server.

Layout under OPTIONS["PATH"] (default `$VAR_DIR/search`): one directory per index
(`<prefix><name>/`) holding generations (`<schema-fingerprint>-<ns>/`, each a tantivy
index) and `CURRENT`, the name of the generation readers use. A rebuild fills a new
generation and replaces `CURRENT` atomically, so searches never see a half-built index.

Each TEXT field is indexed twice: `<f>__f` folded (lowercase, ASCII folding, so `đ`
matches `d`) and `<f>__x` exact (lowercase only); a query hits both and the exact copy
weighs more, so a query typed with diacritics ranks exact spellings first. IDENTIFIER
fields also get `<f>__n`, the number-symbol with case, diacritics and separators
removed (`15/2016/QĐ-UBND` -> `152016qdubnd`). The source document is stored as JSON.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

import tantivy
from tantivy import Document, Occur, Order, Query

from search.backends.base import BaseBackend, Documents, Progress, Replay
from search.backends.embedded_query import (
    EXACT_ANALYZER,
    FACET_SIZE,
    FOLD_ANALYZER,
    filter_queries,
    highlight,
    local_naive,
    rescore,
    snippet_generators,
    stored,
    text_query,
)
from search.ranking import ranking_for, today
from search.registry import SearchIndex
from search.text import as_list, jsonable, nfc, normalize_identifier
from search.types import Field, FieldKind, Hit, SearchQuery, SearchResult


class IndexBusyError(TimeoutError):
    """Another process kept the index writer longer than LOCK_TIMEOUT (retryable)."""


SCHEMA_VERSION = "1"
FOLD = "vi_fold"
EXACT = "vi_exact"
MIN_HEAP = 15_000_000


class _Handle:
    """One physical index: the tantivy Index of the current generation."""

    def __init__(self, root: Path, fields: list[Field]) -> None:
        self.root = root
        self.fields = fields
        self.fingerprint = hashlib.sha256(
            json.dumps(
                [SCHEMA_VERSION] + [[f.name, str(f.kind)] for f in fields]
            ).encode()
        ).hexdigest()[:12]
        self.schema = self._build_schema()
        self.generation: str | None = None
        self.index: tantivy.Index | None = None
        self.meta_stamp: bytes = b""
        self.lock = threading.RLock()

    def _build_schema(self) -> tantivy.Schema:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("_id", stored=True, tokenizer_name="raw")
        builder.add_bytes_field("_src", stored=True)
        for field in self.fields:
            if field.kind in (FieldKind.TEXT, FieldKind.IDENTIFIER):
                builder.add_text_field(f"{field.name}__f", tokenizer_name=FOLD)
                builder.add_text_field(f"{field.name}__x", tokenizer_name=EXACT)
            if field.kind is FieldKind.IDENTIFIER:
                builder.add_text_field(f"{field.name}__n", tokenizer_name="raw")
            elif field.kind is FieldKind.KEYWORD:
                builder.add_text_field(field.name, tokenizer_name="raw", fast=True)
            elif field.kind is FieldKind.DATE:
                builder.add_date_field(field.name, indexed=True, fast=True)
            elif field.kind is FieldKind.INTEGER:
                builder.add_integer_field(field.name, indexed=True, fast=True)
        return builder.build()

    # -- generations ---------------------------------------------------------

    @contextlib.contextmanager
    def swap_lock(self) -> Iterator[None]:
        """Serialise creating/switching generations across processes."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".swap.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def marker(self) -> Path:
        """Present while a rebuild runs (it holds the rebuilding process id)."""
        return self.root / "REBUILDING"

    @property
    def journal(self) -> Path:
        """Ids written to the old generation while a rebuild ran."""
        return self.root / "REBUILD-JOURNAL"

    def take_journal(self) -> list[str]:
        """Read and clear the journal (call under swap_lock)."""
        try:
            lines = self.journal.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        self.journal.unlink(missing_ok=True)
        self.marker.unlink(missing_ok=True)
        return sorted({line for line in lines if line})

    def current_generation(self) -> str | None:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return name if name.startswith(self.fingerprint + "-") else None

    def new_generation(self) -> tuple[str, tantivy.Index]:
        name = f"{self.fingerprint}-{time.time_ns()}"
        path = self.root / name
        path.mkdir(parents=True)
        return name, self._open(path, create=True)

    def _open(self, path: Path, *, create: bool) -> tantivy.Index:
        index = (
            tantivy.Index(self.schema, path=str(path), reuse=False)
            if create
            else tantivy.Index.open(str(path))
        )
        index.register_tokenizer(FOLD, FOLD_ANALYZER)
        index.register_tokenizer(EXACT, EXACT_ANALYZER)
        return index

    def switch_to(self, name: str) -> None:
        tmp = self.root / f"CURRENT.{os.getpid()}.{time.time_ns()}"
        tmp.write_text(name)
        os.replace(tmp, self.root / "CURRENT")
        for child in self.root.iterdir():
            if child.is_dir() and child.name != name:
                shutil.rmtree(child, ignore_errors=True)

    def open_current(self) -> tantivy.Index:
        return self.open_current_generation()[1]

    def open_current_generation(self) -> tuple[str, tantivy.Index]:
        """The current generation and its index, (re)opened or reloaded when it
        changed."""
        with self.lock:
            generation = self.current_generation()
            if generation is None:
                with self.swap_lock():
                    generation = self.current_generation()
                    if generation is None:  # first use, or the fields changed
                        generation, _index = self.new_generation()
                        _index.writer(MIN_HEAP, 1).commit()
                        self.switch_to(generation)
            if generation != self.generation or self.index is None:
                self.index = self._open(self.root / generation, create=False)
                self.generation = generation
                self.meta_stamp = b""
            meta = self.root / generation / "meta.json"
            # Compare the commit metadata itself, not its mtime: two commits within
            # one clock tick leave the same mtime, and the reader would stay stale.
            with contextlib.suppress(FileNotFoundError):
                stamp = meta.read_bytes()
                if stamp != self.meta_stamp:
                    self.index.reload()
                    self.meta_stamp = stamp
            return generation, self.index


class EmbeddedBackend(BaseBackend):
    """OPTIONS: PATH (default `$VAR_DIR/search`), PREFIX, WRITER_HEAP_BYTES
    (rebuilds; default 64 MB), LOCK_TIMEOUT (seconds to wait for another process's
    writer; default 60)."""

    def __init__(self, **options: Any) -> None:
        prefix = options.pop("PREFIX", options.pop("prefix", ""))
        super().__init__(prefix=prefix, **options)
        self.path = Path(options.get("PATH") or Path(settings.VAR_DIR) / "search")
        self.heap = int(options.get("WRITER_HEAP_BYTES", 64_000_000))
        self.lock_timeout = float(options.get("LOCK_TIMEOUT", 60))
        self._handles: dict[str, _Handle] = {}
        self._handles_lock = threading.Lock()

    def _handle(self, index: SearchIndex) -> _Handle:
        name = self.physical_name(index)
        with self._handles_lock:
            handle = self._handles.get(name)
            if handle is None or handle.fields != list(index.fields):
                handle = _Handle(self.path / name, list(index.fields))
                self._handles[name] = handle
            return handle

    def close(self) -> None:
        with self._handles_lock:
            self._handles.clear()

    # -- writing -------------------------------------------------------------

    @contextlib.contextmanager
    def _writer(
        self, tindex: tantivy.Index, heap: int = MIN_HEAP, threads: int = 1
    ) -> Iterator[tantivy.IndexWriter]:
        """The index's single writer; waits while another process holds it."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.02
        while True:
            try:
                writer = tindex.writer(heap, threads)
                break
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusyError(str(exc)) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        try:
            yield writer
        except BaseException:
            writer.rollback()
            raise
        finally:
            # Waiting for merges releases the lock file deterministically.
            writer.wait_merging_threads()
            del writer

    def _to_tantivy(
        self, handle: _Handle, doc_id: str, document: dict[str, Any]
    ) -> Document:
        doc = Document()
        doc.add_text("_id", doc_id)
        source = {key: jsonable(value) for key, value in document.items()}
        doc.add_bytes("_src", json.dumps(source, ensure_ascii=False).encode())
        for field in handle.fields:
            values = as_list(document.get(field.name))
            for value in values:
                if field.kind in (FieldKind.TEXT, FieldKind.IDENTIFIER):
                    text = nfc(str(value))
                    doc.add_text(f"{field.name}__f", text)
                    doc.add_text(f"{field.name}__x", text)
                    if field.kind is FieldKind.IDENTIFIER:
                        doc.add_text(f"{field.name}__n", normalize_identifier(text))
                elif field.kind is FieldKind.KEYWORD:
                    doc.add_text(field.name, nfc(str(value)))
                elif field.kind is FieldKind.DATE:
                    doc.add_date(field.name, local_naive(value))
                elif field.kind is FieldKind.INTEGER:
                    doc.add_integer(field.name, int(value))
        return doc

    def upsert(self, index: SearchIndex, documents: list[tuple[str, dict]]) -> None:
        if not documents:
            return
        handle = self._handle(index)
        converted = []
        for doc_id, document in documents:
            self.check_document(index, doc_id, document)
            converted.append((doc_id, self._to_tantivy(handle, doc_id, document)))

        def write(writer: tantivy.IndexWriter) -> None:
            for doc_id, doc in converted:
                writer.delete_documents_by_term("_id", doc_id)
                writer.add_document(doc)

        self._write(handle, write, [doc_id for doc_id, _ in converted])

    def delete(self, index: SearchIndex, ids: list[str]) -> None:
        if not ids:
            return

        def write(writer: tantivy.IndexWriter) -> None:
            for doc_id in ids:
                writer.delete_documents_by_term("_id", doc_id)

        self._write(self._handle(index), write, ids)

    def _write(
        self,
        handle: _Handle,
        write: Callable[[tantivy.IndexWriter], None],
        ids: list[str],
    ) -> None:
        """Apply `write` to the current generation. If a rebuild switched
        generations meanwhile, write again to the new one; while a rebuild runs,
        journal the ids so the rebuild re-reads them after its switch."""
        for _attempt in range(5):
            generation, tindex = handle.open_current_generation()
            with self._writer(tindex) as writer:
                write(writer)
                writer.commit()
            with handle.swap_lock():
                if handle.current_generation() != generation:
                    continue
                if handle.marker.exists():
                    with open(handle.journal, "a", encoding="utf-8") as journal:
                        journal.writelines(f"{doc_id}\n" for doc_id in ids)
                return
        raise IndexBusyError("the index kept switching generations")

    def rebuild(
        self,
        index: SearchIndex,
        documents: tuple[int, Documents],
        *,
        progress: Progress = None,
        replay: Replay = None,
    ) -> int:
        handle = self._handle(index)
        total, items = documents
        with handle.swap_lock():
            handle.journal.unlink(missing_ok=True)
            handle.marker.write_text(str(os.getpid()))
        done = 0
        generation = None
        try:
            generation, tindex = handle.new_generation()
            with self._writer(tindex, max(self.heap, MIN_HEAP), 0) as writer:
                for doc_id, document in items:
                    self.check_document(index, doc_id, document)
                    writer.add_document(self._to_tantivy(handle, doc_id, document))
                    done += 1
                    if progress and done % 500 == 0:
                        progress(done, total)
                writer.commit()
            if progress:  # before the switch: readers still use the old generation
                progress(done, max(total, done))
        except BaseException:
            with handle.swap_lock():
                handle.marker.unlink(missing_ok=True)
                handle.journal.unlink(missing_ok=True)
            if generation:
                shutil.rmtree(handle.root / generation, ignore_errors=True)
            raise
        with handle.swap_lock():
            handle.switch_to(generation)
            changed = handle.take_journal()
        if changed and replay:
            replay(changed)
        return self.count(index)

    def clear(self, index: SearchIndex) -> None:
        handle = self._handle(index)
        shutil.rmtree(handle.root, ignore_errors=True)
        with self._handles_lock:
            self._handles.pop(self.physical_name(index), None)

    # -- reading -------------------------------------------------------------

    def count(self, index: SearchIndex) -> int:
        return self._handle(index).open_current().searcher().num_docs

    def search(self, index: SearchIndex, q: SearchQuery) -> SearchResult:
        self.validate(index, q)
        handle = self._handle(index)
        tindex = handle.open_current()
        searcher = tindex.searcher()
        schema = handle.schema
        text = nfc(q.text or "").strip()
        folded = FOLD_ANALYZER.analyze(text) if text else []
        exact = EXACT_ANALYZER.analyze(text) if text else []
        filters = [
            Query.const_score_query(clause, 0.0)
            for clause in filter_queries(index, schema, q)
        ]
        result = query = None
        # Strict first (every word must match); a long query that finds nothing
        # is retried letting a quarter of its words miss.
        for lenient in (False, True):
            if lenient and (len(folded) < 4 or result is None or result.count):
                break
            match = text_query(index, schema, text, folded, exact, lenient=lenient)
            if match is None and text:
                return SearchResult(count=0, hits=[], facets={f: [] for f in q.facets})
            query = Query.boolean_query(
                [(Occur.Must, match if match is not None else Query.all_query())]
                + [(Occur.Must, clause) for clause in filters]
            )
            result = self._run(searcher, query, q)
        if result is None or query is None:  # pragma: no cover - loop runs once
            raise RuntimeError("no query was run")
        count = result.count
        page: list[tuple[float, str, dict[str, Any]]] | None = None
        ranking = ranking_for(index)
        if ranking and text and q.sort == "relevance":
            reranked = rescore(searcher, query, q, ranking, today())
            if reranked is not None:
                count, page = reranked
        if page is None:
            page = [
                (score, *stored(searcher, address)) for score, address in result.hits
            ]
        generators = snippet_generators(searcher, schema, q.highlight_fields, folded)
        hits = [
            Hit(
                id=doc_id,
                score=float(score) if q.sort == "relevance" else 0.0,
                source=source,
                highlight=highlight(generators, source),
            )
            for score, doc_id, source in page
        ]
        facets = {}
        if q.facets:
            aggregations = searcher.aggregate(
                query,
                {
                    name: {"terms": {"field": name, "size": FACET_SIZE}}
                    for name in q.facets
                },
            )
            for name in q.facets:
                buckets = aggregations.get(name, {}).get("buckets", [])
                facets[name] = [(b["key"], int(b["doc_count"])) for b in buckets]
        return SearchResult(count=count, hits=hits, facets=facets)

    def _run(
        self, searcher: tantivy.Searcher, query: Query, q: SearchQuery
    ) -> tantivy.SearchResult:
        offset = (q.page - 1) * q.page_size
        if q.sort == "relevance":
            return searcher.search(query, q.page_size, count=True, offset=offset)
        return searcher.search(
            query,
            q.page_size,
            count=True,
            offset=offset,
            order_by_field=q.sort_field or q.date_field,
            order=Order.Desc if q.sort == "date_desc" else Order.Asc,
        )


__all__ = ["EmbeddedBackend"]
