"""The public document library in the search index: published documents only.

Indexed when their page is published or unpublished in Wagtail (moderation
included), never on raw saves; the facade does the work in a Celery task.
"""

from typing import Any

from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished

import search
from search import Field, FieldKind, SearchIndex

from .models import OfficialDocument

INDEX_NAME = "documents"
# The page model's link to the document (portal.OfficialDocumentPage).
PAGE_LINK = "official_document_id"


@search.register
class OfficialDocumentIndex(SearchIndex):
    name = INDEX_NAME
    fields = [
        Field("number_symbol", FieldKind.IDENTIFIER, boost=6.0),
        Field("subject", FieldKind.TEXT, boost=3.0),
        Field("issuer_name", FieldKind.TEXT, boost=1.5),
        Field("signer", FieldKind.TEXT),
        Field("full_text", FieldKind.TEXT),
        Field("type", FieldKind.KEYWORD, facet=True),
        Field("issuer", FieldKind.KEYWORD, facet=True),
        Field("field", FieldKind.KEYWORD, facet=True),
        Field("year", FieldKind.KEYWORD, facet=True),
        Field("legal_status", FieldKind.KEYWORD, facet=True),
        Field("signature_verdict", FieldKind.KEYWORD, facet=True),
        Field("issued_date", FieldKind.DATE),
        Field("effective_date", FieldKind.STORED),
        Field("url", FieldKind.STORED),
    ]

    def get_queryset(self) -> Any:
        return OfficialDocument.objects.select_related("publication").order_by("pk")

    def should_index(self, obj: OfficialDocument) -> bool:
        page = getattr(obj, "publication", None)
        return page is not None and page.live

    def to_document(self, obj: OfficialDocument) -> dict[str, Any]:
        return {
            "number_symbol": obj.number_symbol,
            "subject": obj.subject,
            "issuer_name": obj.issuer,
            "signer": " ".join(filter(None, [obj.signer_name, obj.signer_position])),
            "full_text": obj.full_text,
            "type": obj.document_type,
            "issuer": obj.issuer,
            "field": obj.field,
            "year": str(obj.issued_date.year),
            "legal_status": obj.legal_status,
            "signature_verdict": obj.signature_verdict,
            "issued_date": obj.issued_date,
            "effective_date": (
                obj.effective_date.isoformat() if obj.effective_date else None
            ),
            "url": obj.publication.url or "",
        }


def _document_id(instance: Any) -> int | None:
    return getattr(instance, PAGE_LINK, None)


def _on_published(sender: type, instance: Any, **kwargs: Any) -> None:
    if document_id := _document_id(instance):
        search.index_later(INDEX_NAME, [str(document_id)])


def _on_unpublished(sender: type, instance: Any, **kwargs: Any) -> None:
    if document_id := _document_id(instance):
        search.remove_later(INDEX_NAME, [str(document_id)])


page_published.connect(_on_published, dispatch_uid="documents-index-published")
page_unpublished.connect(_on_unpublished, dispatch_uid="documents-index-unpublished")
# A deleted page leaves the library too (Wagtail unpublishes only live pages).
post_delete.connect(_on_unpublished, dispatch_uid="documents-index-deleted")
