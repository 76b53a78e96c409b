"""The public document library in the search index: published documents only.

Indexed when their page is published or unpublished in Wagtail (moderation
included), never on raw saves; the facade does the work in a Celery task.
"""

from typing import Any

from wagtail.signals import page_published, page_unpublished

import search
from search import Field, FieldKind, SearchIndex

from .models import OfficialDocument
from .publishing import publisher_get

INDEX_NAME = "documents"


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
        return publisher_get().with_pages(OfficialDocument.objects.order_by("pk"))

    def should_index(self, obj: OfficialDocument) -> bool:
        return publisher_get().is_live(obj)

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
            "url": publisher_get().public_url(obj),
        }


def _document_id(instance: Any) -> int | None:
    # Which document a page shows is the publisher's knowledge, not ours.
    return publisher_get().document_id(instance)


def _on_published(sender: type, instance: Any, **kwargs: Any) -> None:
    if document_id := _document_id(instance):
        search.index_later(INDEX_NAME, [str(document_id)])


def _on_unpublished(sender: type, instance: Any, **kwargs: Any) -> None:
    if document_id := _document_id(instance):
        search.remove_later(INDEX_NAME, [str(document_id)])


def document_page_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    """post_delete receiver for the publisher's page models (it connects them): a
    deleted page leaves the library too (Wagtail unpublishes only live pages).
    Not connected for every model: that would stop Django's fast deletes."""
    _on_unpublished(sender, instance)


page_published.connect(_on_published, dispatch_uid="documents-index-published")
page_unpublished.connect(_on_unpublished, dispatch_uid="documents-index-unpublished")
