"""OpenSearch (2.x/3.x) backend: the shared cluster backend over `opensearch-py`.

Bodies come from `search.backends.cluster_body`, the same as Elasticsearch's; only the
client and its calling conventions (request bodies passed as `body=`) differ. Many
provinces run a managed OpenSearch; tests run against a live node started by
`scripts/search-node`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

# The one module allowed to import the client (ruff TID251 bans it elsewhere).
from opensearchpy import NotFoundError, OpenSearch, helpers  # noqa: TID251

from search.backends.cluster import ClusterBackend


class OpenSearchBackend(ClusterBackend):
    """OPTIONS: see ClusterBackend (URL, PREFIX, REPLICAS, REFRESH, TIMEOUT)."""

    not_found = NotFoundError

    def make_client(self) -> OpenSearch:
        return OpenSearch(hosts=[self.url], timeout=self.timeout)

    def put_template(self, name: str, template: dict) -> None:
        self.client.indices.put_index_template(name=name, body=template)

    def update_aliases(self, actions: list[dict]) -> None:
        self.client.indices.update_aliases(body={"actions": actions})

    def run_search(self, index: str, request: dict) -> dict:
        return self.client.search(index=index, body=request)

    def streaming_bulk(
        self, actions: Iterable[dict], **kwargs: Any
    ) -> Iterator[tuple[bool, dict]]:
        return helpers.streaming_bulk(self.client, actions, **kwargs)


__all__ = ["OpenSearchBackend"]
