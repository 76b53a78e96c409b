"""Elasticsearch (8.x/9.x) backend: the shared cluster backend over the official
client. Bodies come from `search.backends.cluster_body`, the same as OpenSearch's."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

# The one module allowed to import the client (ruff TID251 bans it elsewhere).
from elasticsearch import Elasticsearch, NotFoundError, helpers  # noqa: TID251

from search.backends.cluster import ClusterBackend
from search.backends.cluster_body import (  # re-exported for callers and tests
    index_template,
    search_body,
)

__all__ = ["ElasticsearchBackend", "index_template", "search_body"]


class ElasticsearchBackend(ClusterBackend):
    """OPTIONS: see ClusterBackend (URL, PREFIX, REPLICAS, REFRESH, TIMEOUT)."""

    not_found = NotFoundError

    def make_client(self) -> Elasticsearch:
        return Elasticsearch(self.url, request_timeout=self.timeout)

    def put_template(self, name: str, template: dict) -> None:
        self.client.indices.put_index_template(name=name, **template)

    def update_aliases(self, actions: list[dict]) -> None:
        self.client.indices.update_aliases(actions=actions)

    def run_search(self, index: str, request: dict) -> dict:
        return self.client.search(index=index, body=request).body

    def streaming_bulk(
        self, actions: Iterable[dict], **kwargs: Any
    ) -> Iterator[tuple[bool, dict]]:
        return helpers.streaming_bulk(self.client, actions, **kwargs)
