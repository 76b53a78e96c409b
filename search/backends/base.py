"""The contract every backend implements; the facade is its only caller."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from search.registry import SearchIndex
from search.types import FieldKind, SearchError, SearchQuery, SearchResult

Documents = Iterable[tuple[str, dict[str, Any]]]
Progress = Callable[[int, int], None] | None
Replay = Callable[[list[str]], None] | None

FILTERABLE = (FieldKind.KEYWORD, FieldKind.IDENTIFIER, FieldKind.INTEGER)
SORTABLE = (FieldKind.DATE, FieldKind.INTEGER)
HIGHLIGHTABLE = (FieldKind.TEXT, FieldKind.IDENTIFIER)
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000
MAX_QUERY_CHARS = 500


class BaseBackend(abc.ABC):
    """A search engine. `prefix` namespaces its indexes (tests isolate with it)."""

    def __init__(self, *, prefix: str = "", **options: Any) -> None:
        self.prefix = prefix
        self.options = options

    def physical_name(self, index: SearchIndex) -> str:
        return f"{self.prefix}{index.name}"

    @abc.abstractmethod
    def upsert(self, index: SearchIndex, documents: list[tuple[str, dict]]) -> None:
        """Insert or replace documents by id, visible to the next search."""

    @abc.abstractmethod
    def delete(self, index: SearchIndex, ids: list[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    @abc.abstractmethod
    def search(self, index: SearchIndex, q: SearchQuery) -> SearchResult: ...

    @abc.abstractmethod
    def count(self, index: SearchIndex) -> int: ...

    @abc.abstractmethod
    def rebuild(
        self,
        index: SearchIndex,
        documents: tuple[int, Documents],
        *,
        progress: Progress = None,
        replay: Replay = None,
    ) -> int:
        """Build a new physical index from `documents` ((total, iterable)) and switch
        readers to it atomically; returns how many documents it holds. Ids written
        while the rebuild ran are passed to `replay` after the switch (backends that
        can track them), so those objects are re-read from the database."""

    @abc.abstractmethod
    def clear(self, index: SearchIndex) -> None:
        """Drop every physical index and pointer of `index` (tests, resets)."""

    def validate(self, index: SearchIndex, q: SearchQuery) -> None:
        """Reject fields the index does not declare with a clear message."""
        kinds = {field.name: field.kind for field in index.fields}

        def require(name: str, allowed: tuple[FieldKind, ...], what: str) -> None:
            if kinds.get(name) not in allowed:
                raise SearchError(
                    _("Chỉ mục “%(index)s” không có trường %(what)s “%(field)s”.")
                    % {"index": index.name, "what": what, "field": name}
                )

        if len(q.text or "") > MAX_QUERY_CHARS:
            raise SearchError(
                _("Từ khóa tìm kiếm quá dài (tối đa %(max)d ký tự).")
                % {"max": MAX_QUERY_CHARS}
            )
        for name in q.filters:
            require(name, FILTERABLE, _("lọc"))
        for name in q.facets:
            require(name, (FieldKind.KEYWORD,), _("thống kê"))
        for name in q.highlight_fields:
            require(name, HIGHLIGHTABLE, _("trích đoạn"))
        if q.date_field is not None:
            require(q.date_field, (FieldKind.DATE,), _("ngày"))
        if q.sort not in ("relevance", "date_desc", "date_asc"):
            raise SearchError(_("Cách sắp xếp không hợp lệ: %s") % q.sort)
        if q.sort != "relevance":
            sort_field = q.sort_field or q.date_field
            if sort_field is None:
                raise SearchError(_("Sắp xếp theo ngày cần chỉ rõ trường ngày."))
            require(sort_field, SORTABLE, _("sắp xếp"))
        if q.date_from and q.date_to and q.date_from > q.date_to:
            raise SearchError(_("“Từ ngày” phải trước hoặc bằng “đến ngày”."))
        if q.page < 1 or not 1 <= q.page_size <= MAX_PAGE_SIZE:
            raise SearchError(
                _("Trang phải từ 1 và cỡ trang từ 1 đến %(max)d.")
                % {"max": MAX_PAGE_SIZE}
            )
        if q.page * q.page_size > MAX_RESULT_WINDOW:
            raise SearchError(
                _("Chỉ xem được %(max)d kết quả đầu tiên; hãy thu hẹp tìm kiếm.")
                % {"max": MAX_RESULT_WINDOW}
            )

    def check_document(self, index: SearchIndex, doc_id: str, document: dict) -> None:
        unknown = set(document) - {field.name for field in index.fields}
        if unknown:
            raise SearchError(
                _("Tài liệu %(id)s có trường không khai báo: %(fields)s")
                % {"id": doc_id, "fields": ", ".join(sorted(unknown))}
            )
