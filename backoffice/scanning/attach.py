"""Attach a pipeline result to dossiers: files, page rows, the batch summary.

The pipeline has decided where every page goes (`ScanResult`: components, and a
review reason for each page that is in none). Here the database only confirms
each component it named: the dossier exists, its procedure matches and, for a
batch of a counter, it belongs to that agency. A component that fails this is
not placed and its pages wait for a person as unmatched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backoffice.core.services import audit_record
from backoffice.core.text import nfc
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.services import dossier_files_check_queue, stored_files_discard
from backoffice.procedures.models import ProcedureComponent

from .constants import BatchStatus, ReviewReason, ReviewState
from .files import scanned_file_name, scanned_file_store
from .models import ScanBatch, ScanPage
from .sheets import SheetPayload, cover_payload, separator_payload

if TYPE_CHECKING:  # the pipeline loads OpenCV: only the worker imports it
    from .pipeline.results import PageResult, ScanResult

Target = tuple[Dossier, ProcedureComponent]


def scan_result_attach(*, batch_id: int, result: ScanResult) -> None:
    """Store what one pipeline run found, in one transaction.

    Side effects: the previous run's derived files replaced (their storage freed
    only after commit), dossier files, page rows, batch summary, audit records,
    signature checks queued. On failure the files written so far are removed.
    """
    stored: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            batch = ScanBatch.objects.select_for_update().get(pk=batch_id)
            _attach_locked(batch, result, stored, replaced)
    except BaseException:
        stored_files_discard(stored)
        raise
    # The previous run's derived files go only once the new ones are committed.
    stored_files_discard(replaced)


@dataclass
class _Resolver:
    """The dossier and component a QR sheet names, if this batch may fill it."""

    batch: ScanBatch
    dossiers: dict[str, Dossier | None] = field(default_factory=dict)

    def resolve(
        self, *, code: str, procedure_code: str, position: int
    ) -> Target | None:
        if code not in self.dossiers:
            self.dossiers[code] = (
                Dossier.objects.select_related("procedure", "agency")
                .filter(code=code)
                .first()
            )
        dossier = self.dossiers[code]
        if dossier is None or dossier.procedure.code != procedure_code:
            return None
        if (
            self.batch.agency_id is not None
            and dossier.agency_id != self.batch.agency_id
        ):
            return None  # a sheet of another agency's dossier: a person decides
        components = list(dossier.procedure.components.all())
        if not 1 <= position <= len(components):
            return None
        return dossier, components[position - 1]


def _attach_locked(
    batch: ScanBatch, result: ScanResult, stored: list[str], replaced: list[str]
) -> None:
    """Dossier files and page rows for one pipeline result, inside one transaction."""
    previous = DossierFile.objects.filter(
        scan_origin__batch=batch, source=DossierFile.Source.SCAN
    )
    replaced += [old.file.name for old in previous]
    previous.delete()
    existing = {p.index: p for p in batch.pages.all()}
    for page in existing.values():
        replaced += [f.name for f in (page.thumbnail, page.page_pdf) if f]

    resolver = _Resolver(batch)
    placed: dict[int, Target] = {}
    files_made: list[dict] = []
    agencies: Counter[int] = Counter()
    for found in result.dossiers:
        for part in found.components:
            target = resolver.resolve(
                code=found.code,
                procedure_code=found.procedure_code,
                position=part.position,
            )
            if target is None:
                continue
            dossier, component = target
            agencies[dossier.agency_id] += 1
            placed.update(dict.fromkeys(part.pages, target))
            scanned_file_store(
                dossier=dossier,
                component=component,
                batch=batch,
                pages=part.pages,
                pdf=Path(part.pdf_path).read_bytes(),
                name=scanned_file_name(
                    dossier=dossier, position=part.position, batch=batch
                ),
                source=DossierFile.Source.SCAN,
                uploaded_by=batch.created_by,
                stored=stored,
                ocr_text=part.text,
                ocr_confidence=part.mean_confidence,
            )
            files_made.append(
                {
                    "dossier": dossier.code,
                    "component": part.position,
                    "pages": part.pages,
                }
            )

    if batch.agency_id is None and agencies:
        # A hot-folder file without a configured agency belongs where its sheets say.
        batch.agency_id = agencies.most_common(1)[0][0]
    for info in result.pages:
        _page_save(batch, info, existing.get(info.index), result, placed, stored)
    _batch_done(batch, result, files_made, resolver)


def _page_save(
    batch: ScanBatch,
    info: PageResult,
    page: ScanPage | None,
    result: ScanResult,
    placed: dict[int, Target],
    stored: list[str],
) -> None:
    index = info.index
    page = page or ScanPage(batch=batch, index=index)
    page.rotation, page.skew = info.rotation, info.skew
    page.is_blank = info.blank
    page.is_sheet = info.sheet is not None or info.sheet_unreadable
    page.qr_payload = _sheet_text(info.sheet)
    page.ocr_confidence, page.ocr_text = info.ocr_confidence, nfc(info.ocr_text)
    page.has_colour, page.flattened = info.has_colour, info.flattened
    page.source_dpi = round(info.source_dpi) if info.source_dpi else None
    page.ocr_dpi = info.ocr_dpi
    page.thumbnail = page.page_pdf = None
    thumbnail = result.thumbnails.get(index)
    if thumbnail is not None and Path(thumbnail).is_file():
        page.thumbnail.save(
            f"p{index:04d}{Path(thumbnail).suffix}",
            ContentFile(Path(thumbnail).read_bytes()),
            save=False,
        )
        stored.append(page.thumbnail.name)
    # The pipeline's reason; a page it placed in a component the database did not
    # confirm is unmatched.
    reason = info.review_reason or (ReviewReason.UNMATCHED if info.dossier_code else "")
    if index in placed:
        page.dossier, page.component = placed[index]
        page.review_reason, page.review_state = "", ReviewState.NONE
    elif page.review_state in (ReviewState.ASSIGNED, ReviewState.DISCARDED):
        pass  # a person already decided on this page; a re-run keeps that
    elif not reason:
        page.dossier = page.component = None
        page.review_reason, page.review_state = "", ReviewState.NONE
    else:
        page.dossier = page.component = None
        page.review_reason, page.review_state = reason, ReviewState.PENDING
        if info.pdf_path is not None and Path(info.pdf_path).is_file():
            page.page_pdf.save(
                f"p{index:04d}.pdf",
                ContentFile(Path(info.pdf_path).read_bytes()),
                save=False,
            )
            stored.append(page.page_pdf.name)
    page.save()


def _batch_done(
    batch: ScanBatch, result: ScanResult, files_made: list[dict], resolver: _Resolver
) -> None:
    pending = batch.pages.filter(review_state=ReviewState.PENDING).count()
    batch.status = BatchStatus.DONE
    batch.pages_total = batch.pages_done = len(result.pages)
    batch.finished_at = timezone.now()
    batch.summary = {
        "files": files_made,
        "blank_pages": len(result.blank_pages),
        "review_pages": pending,
    }
    batch.save()
    audit_record(
        actor=None,
        action="scan_batch.processed",
        obj=batch,
        after={"run": batch.runs, **batch.summary},
        agency=batch.agency,
    )
    # Each dossier that received pages records it in its own trail too.
    for code in sorted({made["dossier"] for made in files_made}):
        dossier = resolver.dossiers[code]
        if dossier is None:
            continue  # only resolved dossiers got files
        dossier_files_check_queue(dossier_id=dossier.pk)
        audit_record(
            actor=None,
            action="dossier.scan_attached",
            obj=dossier,
            after={
                "batch": batch.pk,
                "run": batch.runs,
                "components": [
                    {"component": m["component"], "pages": m["pages"]}
                    for m in files_made
                    if m["dossier"] == code
                ],
            },
            agency=dossier.agency,
        )


def _sheet_text(sheet: SheetPayload | None) -> str:
    if sheet is None:
        return ""
    if sheet.is_cover:
        return cover_payload(
            dossier_code=sheet.dossier_code, procedure_code=sheet.procedure_code
        )
    return separator_payload(
        dossier_code=sheet.dossier_code,
        procedure_code=sheet.procedure_code,
        position=sheet.position,
        component_name=sheet.component_name,
    )[:500]
