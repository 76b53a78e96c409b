"""What the Elasticsearch and OpenSearch backends share: index lifecycle, writes that
survive a rebuild, and reading responses. Subclasses supply the client.

Each index is an alias (`<prefix><name>`) over a concrete index
(`<prefix><name>-v<ns>`) created from a composable index template, so a rebuild fills
a new concrete index and moves the alias in one atomic request.

Writes during a rebuild: the rebuild first creates a journal (alias
`<prefix><name>-rebuilding`), fills the new index from the database, switches the
alias, then re-reads every id the journal holds. A writer (1) writes through the
alias, (2) records its ids in the journal if one exists, then (3) checks that the
concrete index it wrote to is still the alias's; if a switch happened meanwhile it
writes again. Whatever the interleaving, a change reaches the new index: the rebuild
read it from the database, the journal replays it, or the writer repeats it.
"""

from __future__ import annotations

import abc
import contextlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from search.backends import cluster_body as body
from search.backends.base import BaseBackend, Documents, Progress, Replay
from search.ranking import ranking_for, today
from search.registry import SearchIndex
from search.text import jsonable
from search.types import Hit, SearchQuery, SearchResult

BULK_CHUNK = 500
WRITE_ATTEMPTS = 5
JOURNAL_SUFFIX = "-rebuilding"
WORD = re.compile(r"\w+")


class ClusterWriteError(RuntimeError):
    """Bulk items the cluster refused (the first reasons are in the message)."""


class ClusterBackend(BaseBackend, abc.ABC):
    """OPTIONS: URL (required), PREFIX, REPLICAS (default 0), REFRESH (bulk refresh
    policy, default "wait_for" so a write is visible to the next search), TIMEOUT
    (seconds, default 30)."""

    not_found: type[Exception] = LookupError

    def __init__(self, **options: Any) -> None:
        prefix = options.pop("PREFIX", options.pop("prefix", ""))
        super().__init__(prefix=prefix, **options)
        self.url = options["URL"]
        self.timeout = float(options.get("TIMEOUT", 30))
        self.replicas = int(options.get("REPLICAS", 0))
        self.refresh = options.get("REFRESH", "wait_for")
        self.client = self.make_client()
        self._ensured: set[str] = set()

    # -- what differs per client ---------------------------------------------

    @abc.abstractmethod
    def make_client(self) -> Any: ...

    @abc.abstractmethod
    def put_template(self, name: str, template: dict) -> None: ...

    @abc.abstractmethod
    def update_aliases(self, actions: list[dict]) -> None: ...

    @abc.abstractmethod
    def run_search(self, index: str, request: dict) -> dict: ...

    @abc.abstractmethod
    def streaming_bulk(
        self, actions: Iterable[dict], **kwargs: Any
    ) -> Iterator[tuple[bool, dict]]: ...

    def close(self) -> None:
        self.client.close()

    # -- index lifecycle ------------------------------------------------------

    def _new_concrete(self, index: SearchIndex, alias: str) -> str:
        self.put_template(
            alias, body.index_template(index, alias, replicas=self.replicas)
        )
        # "-v" keeps patterns of indexes whose names share a prefix apart.
        name = f"{alias}-v{time.time_ns()}"
        self.client.indices.create(index=name)
        return name

    def _ensure(self, index: SearchIndex) -> str:
        alias = self.physical_name(index)
        if alias not in self._ensured:
            if not self.client.indices.exists_alias(name=alias):
                if self.client.indices.exists(index=alias):
                    raise RuntimeError(f"{alias} is a concrete index, not an alias")
                concrete = self._new_concrete(index, alias)
                try:
                    self.update_aliases([{"add": {"index": concrete, "alias": alias}}])
                except Exception:
                    # Another process created it first: keep theirs.
                    self.client.indices.delete(index=concrete, ignore_unavailable=True)
                    if not self.client.indices.exists_alias(name=alias):
                        raise
            self._ensured.add(alias)
        return alias

    def _set_refresh_interval(self, name: str, interval: str) -> None:
        self.client.indices.put_settings(
            index=name, body={"index": {"refresh_interval": interval}}
        )

    def _targets(self, alias: str) -> set[str]:
        """The concrete indexes `alias` points to now."""
        try:
            found = self.client.indices.get_alias(name=alias)
            return set(dict(getattr(found, "body", found)))
        except self.not_found:
            return set()

    def clear(self, index: SearchIndex) -> None:
        alias = self.physical_name(index)
        # By name: clusters may refuse wildcard deletes (destructive_requires_name).
        names: set[str] = set()
        for pattern in (f"{alias}-v*", f"{alias}{JOURNAL_SUFFIX}-*"):
            found = self.client.indices.get(
                index=pattern, ignore_unavailable=True, allow_no_indices=True
            )
            names.update(dict(getattr(found, "body", found)))
        for name in sorted(names):
            self.client.indices.delete(index=name, ignore_unavailable=True)
        with contextlib.suppress(self.not_found):
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

    def _bulk(self, actions: Iterable[dict], *, refresh: Any) -> set[str]:
        """Send `actions` to an alias; returns the concrete indexes written. A
        delete of an unknown id is not an error. `require_alias`: a missing alias
        is an error, never a new index with a guessed mapping."""
        written: set[str] = set()
        errors: list[dict] = []
        for ok, item in self.streaming_bulk(
            actions,
            chunk_size=BULK_CHUNK,
            refresh=refresh,
            require_alias=True,
            raise_on_error=False,
            raise_on_exception=True,
        ):
            ((op, result),) = item.items()
            if result.get("_index"):
                written.add(result["_index"])
            if not ok and not (op == "delete" and result.get("status") == 404):
                errors.append(result)
        if errors:
            reasons = "; ".join(str(e.get("error", e))[:200] for e in errors[:3])
            raise ClusterWriteError(f"{len(errors)} bulk items failed: {reasons}")
        return written

    def _write(
        self,
        index: SearchIndex,
        make_actions: Callable[[str], Iterable[dict]],
        ids: list[str],
    ) -> None:
        alias = self._ensure(index)
        journal = alias + JOURNAL_SUFFIX
        for _attempt in range(WRITE_ATTEMPTS):
            written = self._bulk(make_actions(alias), refresh=self.refresh)
            self._journal(journal, ids)
            if not written - self._targets(alias):
                return
            # A rebuild switched the alias while we wrote: write again.
        raise ClusterWriteError(f"{alias} kept switching indexes during a write")

    def _journal(self, journal: str, ids: list[str]) -> None:
        """Record ids in the rebuild journal, if a rebuild is running."""
        if not self.client.indices.exists_alias(name=journal):
            return
        actions = (
            {"_op_type": "index", "_index": journal, "_id": i, "_source": {}}
            for i in ids
        )
        # The rebuild may end meanwhile: the writer's alias check covers that.
        with contextlib.suppress(ClusterWriteError, self.not_found):
            self._bulk(actions, refresh=False)

    def upsert(self, index: SearchIndex, documents: list[tuple[str, dict]]) -> None:
        if not documents:
            return
        self._write(
            index,
            lambda target: self._actions(index, target, documents),
            [doc_id for doc_id, _ in documents],
        )

    def delete(self, index: SearchIndex, ids: list[str]) -> None:
        if not ids:
            return
        self._write(
            index,
            lambda target: (
                {"_op_type": "delete", "_index": target, "_id": i} for i in ids
            ),
            ids,
        )

    def _open_journal(self, alias: str) -> str:
        journal = alias + JOURNAL_SUFFIX
        # A rebuild that crashed left its journal: one alias over two indexes
        # would refuse every write (no write index), so it goes first.
        for stale in sorted(self._targets(journal)):
            self.client.indices.delete(index=stale, ignore_unavailable=True)
        concrete = f"{journal}-{time.time_ns()}"
        self.client.indices.create(
            index=concrete,
            body={
                "settings": {
                    "number_of_shards": 1,
                    "number_of_replicas": self.replicas,
                },
                "mappings": {"dynamic": False, "properties": {}},
                "aliases": {journal: {}},
            },
        )
        return concrete

    def _take_journal(self, journal_index: str) -> list[str]:
        self.client.indices.refresh(index=journal_index)
        ids: list[str] = []
        after: list[Any] | None = None
        while True:
            request: dict[str, Any] = {
                "size": 1000,
                "query": {"match_all": {}},
                "sort": [{"_id": "asc"}],
                "_source": False,
            }
            if after:
                request["search_after"] = after
            hits = self.run_search(journal_index, request)["hits"]["hits"]
            if not hits:
                break
            ids.extend(hit["_id"] for hit in hits)
            after = hits[-1]["sort"]
        self.client.indices.delete(index=journal_index, ignore_unavailable=True)
        return ids

    def rebuild(
        self,
        index: SearchIndex,
        documents: tuple[int, Documents],
        *,
        progress: Progress = None,
        replay: Replay = None,
    ) -> int:
        alias = self.physical_name(index)
        if self.client.indices.exists(
            index=alias
        ) and not self.client.indices.exists_alias(name=alias):
            raise RuntimeError(f"{alias} is a concrete index, not an alias")
        total, items = documents
        journal_index = self._open_journal(alias)
        concrete = ""
        done = 0
        try:
            concrete = self._new_concrete(index, alias)
            # Nobody reads the new index until the switch: no refreshes while filling.
            self._set_refresh_interval(concrete, "-1")
            for ok, item in self.streaming_bulk(
                self._actions(index, concrete, items),
                chunk_size=BULK_CHUNK,
                raise_on_error=False,
            ):
                if not ok:
                    raise ClusterWriteError(f"indexing failed: {item}")
                done += 1
                if progress and done % BULK_CHUNK == 0:
                    progress(done, total)
            self._set_refresh_interval(concrete, body.REFRESH_INTERVAL)
            self.client.indices.refresh(index=concrete)
            if progress:  # before the switch: readers still use the old index
                progress(done, max(total, done))
            old = sorted(self._targets(alias))
            actions = [{"remove": {"index": name, "alias": alias}} for name in old]
            actions.append({"add": {"index": concrete, "alias": alias}})
            self.update_aliases(actions)
        except BaseException:
            for name in (concrete, journal_index):
                if name:
                    self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for name in old:
            self.client.indices.delete(index=name, ignore_unavailable=True)
        self._ensured.add(alias)
        changed = self._take_journal(journal_index)
        if changed and replay:
            replay(changed)
        return self.count(index)

    # -- reading -------------------------------------------------------------

    def count(self, index: SearchIndex) -> int:
        alias = self._ensure(index)
        return int(self.client.count(index=alias)["count"])

    def search(self, index: SearchIndex, q: SearchQuery) -> SearchResult:
        self.validate(index, q)
        alias = self._ensure(index)
        ranking = ranking_for(index)
        day = today() if ranking else None
        response = self.run_search(
            alias, body.search_body(index, q, ranking=ranking, today=day)
        )
        # Strict first; a long query that finds nothing is retried leniently (the
        # embedded backend does the same).
        if not response["hits"]["total"]["value"] and len(WORD.findall(q.text)) >= 4:
            response = self.run_search(
                alias,
                body.search_body(index, q, lenient=True, ranking=ranking, today=day),
            )
        hits = []
        for hit in response["hits"]["hits"]:
            highlight = {
                key.removesuffix(".folded"): fragments[0]
                for key, fragments in hit.get("highlight", {}).items()
                if fragments
            }
            hits.append(
                Hit(
                    id=hit["_id"],
                    score=float(hit.get("_score") or 0.0)
                    if q.sort == "relevance"
                    else 0.0,
                    source=hit.get("_source", {}),
                    highlight=highlight,
                )
            )
        aggregations = response.get("aggregations", {})
        facets = {
            name: [
                (bucket["key"], int(bucket["doc_count"]))
                for bucket in aggregations.get(name, {}).get("buckets", [])
            ]
            for name in q.facets
        }
        return SearchResult(
            count=int(response["hits"]["total"]["value"]), hits=hits, facets=facets
        )
