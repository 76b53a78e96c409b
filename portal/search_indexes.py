"""Portal content pages in the search index (`pages`).

The informational pages of the site (home, standard pages, the catalogue and
library landing pages) — not the document pages, which have their own `documents`
index. Indexed on Wagtail publish, removed on unpublish or delete.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.utils.html import strip_tags
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

import search
from search import Field, FieldKind

from .models import (
    BasePage,
    DocumentIndexPage,
    HomePage,
    ProcedureIndexPage,
    StandardPage,
)

PAGE_TYPES = (HomePage, StandardPage, ProcedureIndexPage, DocumentIndexPage)

INDEX = "pages"


@search.register
class PortalPageIndex(search.SearchIndex):
    name = INDEX
    fields = [
        Field("title", FieldKind.TEXT, boost=3.0),
        Field("intro", FieldKind.TEXT, boost=1.5),
        Field("body", FieldKind.TEXT),
        Field("url", FieldKind.STORED),
        Field("locale", FieldKind.KEYWORD),
        Field("updated_at", FieldKind.DATE),
    ]

    def get_queryset(self) -> QuerySet[Page]:
        return Page.objects.type(*PAGE_TYPES).live().public().specific().order_by("pk")

    def get_objects(self, ids: list[str]) -> Any:
        return (
            Page.objects.type(*PAGE_TYPES)
            .filter(pk__in=[int(i) for i in ids if str(i).isdigit()])
            .specific()
        )

    def should_index(self, obj: Page) -> bool:
        return obj.live

    def to_document(self, obj: Any) -> dict[str, Any]:
        return {
            "title": obj.title,
            "intro": getattr(obj, "intro", ""),
            "body": strip_tags(str(getattr(obj, "body", "") or "")),
            "url": obj.url or "",
            "locale": obj.locale.language_code,
            "updated_at": obj.last_published_at or obj.latest_revision_created_at,
        }


def _is_portal_page(instance: Any) -> bool:
    return isinstance(instance, BasePage)


def _on_published(sender: type, instance: Any, **kwargs: Any) -> None:
    if _is_portal_page(instance):
        search.index_later(INDEX, [instance.pk])


def _on_removed(sender: type, instance: Any, **kwargs: Any) -> None:
    if _is_portal_page(instance):
        search.remove_later(INDEX, [instance.pk])


page_published.connect(_on_published, dispatch_uid="pages-index-published")
page_unpublished.connect(_on_removed, dispatch_uid="pages-index-unpublished")
# One sender per page type: a receiver for every model would make Django read each
# row before deleting it anywhere in the product (no fast deletes).
for _page_type in PAGE_TYPES:
    post_delete.connect(
        _on_removed,
        sender=_page_type,
        dispatch_uid=f"pages-index-deleted-{_page_type.__name__}",
    )
