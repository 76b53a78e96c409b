"""The procedure catalogue in the search index (`procedures`).

Saves of a procedure or of its field re-index on commit (infrastructure signals);
inactive procedures are removed instead of indexed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

import search
from search import Field, FieldKind

from .models import Field as ProcedureField
from .models import Procedure

INDEX = "procedures"


@search.register
class ProcedureIndex(search.SearchIndex):
    name = INDEX
    fields = [
        Field("code", FieldKind.IDENTIFIER, boost=3.0),
        Field("name", FieldKind.TEXT, boost=2.0),
        Field("field_name", FieldKind.TEXT, boost=0.5),
        Field("field_code", FieldKind.KEYWORD, facet=True),
        Field("agency_ids", FieldKind.KEYWORD),
        Field("agency_names", FieldKind.TEXT, boost=0.3),
        Field("online_level", FieldKind.KEYWORD, facet=True),
        Field("processing_days", FieldKind.INTEGER),
        Field("updated_at", FieldKind.DATE),
    ]

    def get_queryset(self) -> QuerySet[Procedure]:
        return (
            Procedure.objects.select_related("field")
            .prefetch_related("agencies")
            .order_by("pk")
        )

    def should_index(self, obj: Procedure) -> bool:
        return obj.is_active

    def to_document(self, obj: Procedure) -> dict[str, Any]:
        agencies = list(obj.agencies.all())
        return {
            "code": obj.code,
            "name": obj.name,
            "field_name": obj.field.name,
            "field_code": obj.field.code,
            "agency_ids": [str(agency.pk) for agency in agencies],
            "agency_names": [agency.name for agency in agencies],
            "online_level": obj.online_level,
            "processing_days": obj.processing_days,
            "updated_at": obj.updated_at,
        }


def _procedure_saved(sender: Any, instance: Procedure, **kwargs: Any) -> None:
    search.index_later(INDEX, [instance.pk])


def _procedure_deleted(sender: Any, instance: Procedure, **kwargs: Any) -> None:
    search.remove_later(INDEX, [instance.pk])


def _field_saved(sender: Any, instance: ProcedureField, **kwargs: Any) -> None:
    # The field's name is copied into each of its procedures' documents.
    ids = list(instance.procedures.values_list("pk", flat=True))
    search.index_later(INDEX, ids)


post_save.connect(_procedure_saved, sender=Procedure, dispatch_uid="search-procedure")
post_delete.connect(
    _procedure_deleted, sender=Procedure, dispatch_uid="search-procedure-delete"
)
post_save.connect(_field_saved, sender=ProcedureField, dispatch_uid="search-field")
