"""Dossiers in the staff search index (`dossiers`).

Holds personal data (names, ID numbers, OCR text of attachments): only staff
screens query it, always with `filters={"agency_ids": [...]}` limited to the
agencies the user works for. Saves of a dossier or of one of its files re-index the
dossier on commit (infrastructure signals).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.db.models.signals import post_delete, post_save

import search
from search import Field, FieldKind

from .models import Dossier, DossierFile

INDEX = "dossiers"


@search.register
class DossierIndex(search.SearchIndex):
    name = INDEX
    fields = [
        Field("code", FieldKind.IDENTIFIER, boost=4.0),
        Field("applicant_name", FieldKind.TEXT, boost=3.0),
        Field("applicant_id_number", FieldKind.IDENTIFIER, boost=4.0),
        Field("representative_name", FieldKind.TEXT, boost=1.5),
        Field("procedure_code", FieldKind.IDENTIFIER, boost=2.0),
        Field("procedure_name", FieldKind.TEXT),
        Field("ocr_text", FieldKind.TEXT, boost=0.5),
        Field("agency_ids", FieldKind.KEYWORD),
        Field("status", FieldKind.KEYWORD, facet=True),
        Field("channel", FieldKind.KEYWORD, facet=True),
        Field("received_at", FieldKind.DATE),
        Field("due_at", FieldKind.DATE),
    ]

    def get_queryset(self) -> QuerySet[Dossier]:
        return (
            Dossier.objects.select_related("procedure", "agency")
            .prefetch_related(
                Prefetch(
                    "files",
                    queryset=DossierFile.objects.exclude(ocr_text="").only(
                        "pk", "dossier_id", "ocr_text"
                    ),
                )
            )
            .order_by("pk")
        )

    def to_document(self, obj: Dossier) -> dict[str, Any]:
        return {
            "code": obj.code,
            "applicant_name": obj.applicant_name,
            "applicant_id_number": obj.applicant_id_number,
            "representative_name": obj.representative_name,
            "procedure_code": obj.procedure.code,
            "procedure_name": obj.procedure.name,
            "ocr_text": "\n".join(f.ocr_text for f in obj.files.all() if f.ocr_text),
            "agency_ids": [str(obj.agency_id)],
            "status": str(obj.status),
            "channel": obj.channel,
            "received_at": obj.received_at,
            "due_at": obj.due_at,
        }


def _dossier_saved(sender: Any, instance: Dossier, **kwargs: Any) -> None:
    search.index_later(INDEX, [instance.pk])


def _dossier_deleted(sender: Any, instance: Dossier, **kwargs: Any) -> None:
    search.remove_later(INDEX, [instance.pk])


def _file_changed(sender: Any, instance: DossierFile, **kwargs: Any) -> None:
    # OCR text lives on the files; the dossier's document concatenates it.
    search.index_later(INDEX, [instance.dossier_id])


post_save.connect(_dossier_saved, sender=Dossier, dispatch_uid="search-dossier")
post_delete.connect(
    _dossier_deleted, sender=Dossier, dispatch_uid="search-dossier-delete"
)
post_save.connect(_file_changed, sender=DossierFile, dispatch_uid="search-dossier-file")
post_delete.connect(
    _file_changed, sender=DossierFile, dispatch_uid="search-dossier-file-delete"
)
