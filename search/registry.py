"""What each app indexes: subclasses of SearchIndex in `<app>/search_indexes.py`,
decorated with @register and discovered when the `search` app is ready."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from search.types import Field, FieldKind

if TYPE_CHECKING:
    from search.ranking import Ranking

_REGISTRY: dict[str, SearchIndex] = {}


class SearchIndex(abc.ABC):
    """Contract for one index.

    `name` is unique (the backend adds its prefix); `fields` declares every field
    `to_document` may return besides the id. `get_queryset` yields every object that
    may belong in the index (a rebuild indexes those for which `should_index` is true);
    `document_id` is the stable id; `to_document` returns a JSON-able dict of field
    values (dates as `date`/`datetime` or ISO strings, KEYWORD lists allowed);
    `should_index` false means the object is removed instead (e.g. unpublished).
    `ranking` (optional) weighs relevance by a status and recency after the words
    (`search.ranking.Ranking`; `settings.SEARCH_RANKING` may set or override it).
    """

    name: ClassVar[str] = ""
    fields: ClassVar[list[Field]] = []
    ranking: ClassVar[Ranking | None] = None

    @abc.abstractmethod
    def get_queryset(self) -> Iterable[Any]:
        """Every object that may belong in the index."""

    def document_id(self, obj: Any) -> str:
        return str(obj.pk)

    @abc.abstractmethod
    def to_document(self, obj: Any) -> dict[str, Any]:
        """The JSON-able field values of one object."""

    def should_index(self, obj: Any) -> bool:
        return True

    def get_objects(self, ids: Iterable[str]) -> Iterable[Any]:
        """The objects with these ids (default: `get_queryset().filter(pk__in=ids)`)."""
        return self.get_queryset().filter(pk__in=list(ids))  # type: ignore[attr-defined]

    def field(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    def fields_of(self, *kinds: FieldKind) -> list[Field]:
        return [field for field in self.fields if field.kind in kinds]


IndexT = TypeVar("IndexT", bound=type[SearchIndex])


def register(cls: IndexT) -> IndexT:
    """Class decorator: register one instance of `cls` under `cls.name`."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls()
    return cls


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def get_index(name: str) -> SearchIndex:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"No search index named {name!r} is registered") from None


def all_indexes() -> list[SearchIndex]:
    return list(_REGISTRY.values())
