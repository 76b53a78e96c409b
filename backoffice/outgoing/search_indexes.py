"""Outgoing documents in the staff search index (`outgoing`).

Staff only, never public: the desk queries it with `filters={"agency_ids": [...]}`
limited to the agencies the user may see and re-reads the hits through the scoped
selector. A save re-indexes on commit (core.indexing).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

import search
from backoffice.core.indexing import index_follows_model
from search import Field, FieldKind

from .models import OutgoingDocument

INDEX = "outgoing"


@search.register
class OutgoingDocumentIndex(search.SearchIndex):
    name = INDEX
    fields = [
        Field("number_symbol", FieldKind.IDENTIFIER, boost=4.0),
        Field("subject", FieldKind.TEXT, boost=3.0),
        Field("drafting_unit", FieldKind.TEXT),
        Field("signer_name", FieldKind.TEXT),
        Field("recipients", FieldKind.TEXT),
        Field("field", FieldKind.TEXT),
        Field("agency_ids", FieldKind.KEYWORD),
        Field("status", FieldKind.KEYWORD, facet=True),
        Field("created_at", FieldKind.DATE),
    ]

    def get_queryset(self) -> QuerySet[OutgoingDocument]:
        return OutgoingDocument.objects.prefetch_related("recipients").order_by("pk")

    def to_document(self, obj: OutgoingDocument) -> dict[str, Any]:
        return {
            "number_symbol": obj.number_symbol,
            "subject": obj.subject,
            "drafting_unit": obj.drafting_unit,
            "signer_name": obj.signer_name,
            "recipients": " ".join(r.name or r.email for r in obj.recipients.all()),
            "field": obj.field,
            "agency_ids": [str(obj.agency_id)],
            "status": obj.status,
            "created_at": obj.created_at,
        }


index_follows_model(OutgoingDocument, INDEX)
