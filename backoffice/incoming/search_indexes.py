"""Incoming documents in the staff search index (`incoming`).

Staff only, never public: screens query it with `filters={"agency_ids": [...]}`
limited to the agencies the user may see, and re-read the hits through the scoped
selector. Full text (text layer or OCR) included. A save re-indexes on commit
(core.indexing).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

import search
from backoffice.core.indexing import index_follows_model
from search import Field, FieldKind

from .models import IncomingDocument

INDEX = "incoming"


@search.register
class IncomingDocumentIndex(search.SearchIndex):
    name = INDEX
    fields = [
        Field("number_symbol", FieldKind.IDENTIFIER, boost=4.0),
        Field("incoming_number", FieldKind.IDENTIFIER, boost=3.0),
        Field("issuer_name", FieldKind.TEXT, boost=2.0),
        Field("subject", FieldKind.TEXT, boost=3.0),
        Field("signer_name", FieldKind.TEXT),
        Field("sender", FieldKind.IDENTIFIER),
        Field("full_text", FieldKind.TEXT, boost=0.5),
        Field("agency_ids", FieldKind.KEYWORD),
        Field("status", FieldKind.KEYWORD, facet=True),
        Field("received_at", FieldKind.DATE),
    ]

    def get_queryset(self) -> QuerySet[IncomingDocument]:
        return IncomingDocument.objects.order_by("pk")

    def to_document(self, obj: IncomingDocument) -> dict[str, Any]:
        return {
            "number_symbol": obj.number_symbol,
            "incoming_number": (
                f"{obj.incoming_number}/{obj.year}" if obj.incoming_number else ""
            ),
            "issuer_name": obj.issuer_name,
            "subject": obj.subject,
            "signer_name": obj.signer_name,
            "sender": obj.sender,
            "full_text": obj.full_text,
            "agency_ids": [str(obj.agency_id)],
            "status": obj.status,
            "received_at": obj.received_at,
        }


index_follows_model(IncomingDocument, INDEX)
