"""Dossier files made from scanned pages, by the pipeline or by a person.

Both ways store through the one dossiers service (`dossier_file_store`: hash,
immutability, OCR text, signature check) and record here which pages of which
batch the file holds (`ScannedFile`).
"""

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser

from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.services import dossier_file_store
from backoffice.procedures.models import ProcedureComponent

from .models import ScanBatch, ScannedFile


def component_position(dossier: Dossier, component: ProcedureComponent) -> int:
    """1-based position of the component in its procedure (as the sheets print it)."""
    return [c.pk for c in dossier.procedure.components.all()].index(component.pk) + 1


def scanned_file_name(
    *, dossier: Dossier, position: int, batch: ScanBatch, suffix: str = ""
) -> str:
    return (
        f"{dossier.code}-{dossier.procedure.code}-tp{position:02d}"
        f"-lo{batch.pk}{suffix}.pdf"
    )


def scanned_file_store(
    *,
    dossier: Dossier,
    component: ProcedureComponent,
    batch: ScanBatch,
    pages: Sequence[int],
    pdf: bytes,
    name: str,
    source: str,
    uploaded_by: AbstractBaseUser | None,
    stored: list[str],
    ocr_text: str,
    ocr_confidence: float | None,
) -> DossierFile:
    """Store a component PDF made from scanned pages as a file of the dossier and
    link it to its batch and pages. The signature check is left to the caller
    (`dossier_files_check_queue`, once per dossier)."""
    record = dossier_file_store(
        dossier=dossier,
        name=name,
        content=pdf,
        media_type="application/pdf",
        stored=stored,
        kind=DossierFile.Kind.SUBMITTED,
        component_id=component.pk,
        pages=len(pages),
        source=source,
        ocr_text=ocr_text,
        ocr_confidence=ocr_confidence,
        uploaded_by=uploaded_by,
        check=False,
    )
    ScannedFile.objects.create(file=record, batch=batch, pages=list(pages))
    return record
