"""Dossiers in the staff search index (`dossiers`).

Holds personal data (names, ID numbers, OCR text of attachments): only staff
screens query it, always with `filters={"agency_ids": [...]}` limited to the
agencies the user works for. Saves of a dossier, of one of its files or of one of its
processing steps re-index the dossier on commit (infrastructure signals).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.db.models.signals import post_delete, post_save

import search
from search import Field, FieldKind

from .models import Dossier, DossierFile, DossierStep

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
                ),
                Prefetch(
                    "steps",
                    queryset=DossierStep.objects.exclude(
                        state=DossierStep.State.WAITING
                    ).only("pk", "dossier_id", "agency_id", "state"),
                ),
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
            # The receiving agency and every agency it was handed to for a step:
            # their staff see it (selectors.dossiers_for_staff), so they find it.
            "agency_ids": sorted(
                {str(obj.agency_id)} | {str(s.agency_id) for s in obj.steps.all()}
            ),
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


def _step_changed(sender: Any, instance: DossierStep, **kwargs: Any) -> None:
    # A step started in another agency widens who may find the dossier.
    search.index_later(INDEX, [instance.dossier_id])


post_save.connect(_dossier_saved, sender=Dossier, dispatch_uid="search-dossier")
post_save.connect(_step_changed, sender=DossierStep, dispatch_uid="search-dossier-step")
post_delete.connect(
    _dossier_deleted, sender=Dossier, dispatch_uid="search-dossier-delete"
)
post_save.connect(_file_changed, sender=DossierFile, dispatch_uid="search-dossier-file")
post_delete.connect(
    _file_changed, sender=DossierFile, dispatch_uid="search-dossier-file-delete"
)
