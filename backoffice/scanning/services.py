"""Counter intake writes: registration, scan batches, review decisions, paper.

Every write is atomic and audited. The scan of a batch runs in a worker
(`tasks.process_scan_batch`); a failed run attaches nothing.
"""

import datetime as dt
import hashlib
import io
import logging
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record
from backoffice.dossiers.constants import Channel, ResultDelivery
from backoffice.dossiers.models import Dossier, DossierFile, ReceivedComponent
from backoffice.dossiers.services import Applicant, dossier_submit
from backoffice.dossiers.uploads import (
    UploadRejected,
    check_active_content,
    sanitize_filename,
)
from backoffice.procedures.constants import CopyForm
from backoffice.procedures.models import Procedure, ProcedureComponent

from .constants import (
    SCAN_JOB,
    BatchSource,
    BatchStatus,
    ReviewReason,
    ReviewState,
)
from .models import ScanBatch, ScanPage

logger = logging.getLogger(__name__)

MAX_COUNT = 99
SCAN_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "tiff": "image/tiff",
    "jpeg": "image/jpeg",
}


class ScanRejected(ValueError):
    """A scan file refused before any batch exists; `message` is for the officer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require_reception(actor: AbstractBaseUser | None, agency: Agency) -> None:
    if actor is None:
        return  # system work: the hot folder, management commands
    if Permission.RECEIVE_DOSSIERS not in user_permissions(user=actor, agency=agency):
        raise PermissionDenied(f"Bạn không có quyền tiếp nhận hồ sơ tại {agency.name}.")


# --- Counter registration -----------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One component handed in at the counter (original/copy and how many)."""

    component_id: int
    copy_form: str
    count: int = 1
    kept_on_paper: bool = False


def _check_checklist(
    *, procedure: Procedure, checklist: Sequence[ChecklistItem]
) -> None:
    components = {c.pk: c for c in procedure.components.all()}
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for item in checklist:
        component = components.get(item.component_id)
        if component is None:
            errors.setdefault("checklist", []).append(
                f"Thành phần #{item.component_id} không thuộc thủ tục {procedure.code}."
            )
            continue
        key = f"component_{component.pk}"
        if item.component_id in seen:
            errors.setdefault(key, []).append(
                f"Thành phần “{component.name}” được khai hai lần."
            )
        seen.add(item.component_id)
        if item.copy_form not in CopyForm.values:
            errors.setdefault(key, []).append(
                f"Loại bản “{item.copy_form}” không hợp lệ."
            )
        if not 1 <= item.count <= MAX_COUNT:
            errors.setdefault(key, []).append(
                f"Số lượng của “{component.name}” phải từ 1 đến {MAX_COUNT}."
            )
    for component in components.values():
        if component.required and component.pk not in seen:
            errors.setdefault(f"component_{component.pk}", []).append(
                f"Chưa nhận thành phần bắt buộc “{component.name}”."
            )
    if errors:
        raise ValidationError(errors)


def counter_dossier_register(
    *,
    actor: AbstractBaseUser,
    agency: Agency,
    procedure: Procedure,
    applicant: Applicant,
    checklist: Sequence[ChecklistItem],
    result_delivery: str = ResultDelivery.DESK,
    notes: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Register a walk-in dossier with the checklist of the paper handed in.

    Side effects (through `dossier_submit`): code, due date, first status event,
    the signed receipt (form 01) queued; here: checklist rows, audit record.
    """
    _require_reception(actor, agency)
    _check_checklist(procedure=procedure, checklist=checklist)
    with transaction.atomic():
        dossier = dossier_submit(
            procedure=procedure,
            agency=agency,
            channel=Channel.COUNTER,
            applicant=applicant,
            files={},
            received_by=actor,
            result_delivery=result_delivery,
            notes=notes,
            now=now,
        )
        ReceivedComponent.objects.bulk_create(
            ReceivedComponent(
                dossier=dossier,
                component_id=item.component_id,
                copy_form=item.copy_form,
                count=item.count,
                kept_on_paper=item.kept_on_paper,
            )
            for item in checklist
        )
        audit_record(
            actor=actor,
            action="dossier.counter_checklist",
            obj=dossier,
            after={
                "components": [
                    {
                        "component": item.component_id,
                        "copy_form": item.copy_form,
                        "count": item.count,
                        "kept_on_paper": item.kept_on_paper,
                    }
                    for item in checklist
                ]
            },
            agency=agency,
        )
    return dossier


def dossier_sheets_pdf(*, dossier: Dossier) -> bytes:
    """The cover sheet and one separator per component, in the procedure's order."""
    from .sheets import sheets_pdf

    components = [
        (position, component.name)
        for position, component in enumerate(dossier.procedure.components.all(), 1)
    ]
    return sheets_pdf(
        dossier_code=dossier.code,
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        applicant_name=dossier.applicant_name,
        agency_name=dossier.agency.name,
        components=components,
    )


@transaction.atomic
def received_component_locate(
    *,
    actor: AbstractBaseUser | None,
    item: ReceivedComponent,
    box: str,
    shelf: str,
    note: str = "",
) -> ReceivedComponent:
    """Record where paper that is not digitised is kept (Art. 10.3.a)."""
    dossier = item.dossier
    _require_reception(actor, dossier.agency)
    box, shelf, note = (_nfc(v).strip() for v in (box, shelf, note))
    if not box and not shelf:
        raise ValidationError({"location": "Hãy ghi số hộp hoặc kệ nơi lưu bản giấy."})
    locked = ReceivedComponent.objects.select_for_update().get(pk=item.pk)
    before = {
        "box": locked.location_box,
        "shelf": locked.location_shelf,
        "note": locked.location_note,
        "kept_on_paper": locked.kept_on_paper,
    }
    locked.kept_on_paper = True
    locked.location_box, locked.location_shelf, locked.location_note = box, shelf, note
    locked.located_at = timezone.now()
    locked.located_by = actor if actor is not None and actor.is_authenticated else None
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="dossier.paper_located",
        obj=dossier,
        before=before,
        after={
            "component": locked.component_id,
            "box": box,
            "shelf": shelf,
            "note": note,
            "kept_on_paper": True,
        },
        agency=dossier.agency,
    )
    return locked


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


# --- Scan batches --------------------------------------------------------------


def _sniff_scan(name: str, content: bytes) -> tuple[str, int]:
    """(kind, page count) of a scan file, or ScanRejected with the reason."""
    from .pipeline import ScanInputError, sniff_scan_file
    from .pipeline.sources import list_pages

    with tempfile.TemporaryDirectory(prefix="scan-sniff-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            kind = sniff_scan_file(path)
            if kind not in SCAN_MEDIA_TYPES:
                raise ScanInputError(
                    f"Tệp “{name}” không phải bản quét PDF, TIFF hoặc JPEG."
                )
            pages = len(list_pages([path]))
        except ScanInputError as exc:
            raise ScanRejected(str(exc)) from exc
    return kind, pages


def scan_batch_create(
    *,
    actor: AbstractBaseUser | None,
    agency: Agency | None,
    name: str,
    content: bytes,
    source: str = BatchSource.UPLOAD,
    dossier: Dossier | None = None,
    enqueue: bool = True,
) -> ScanBatch:
    """Store a scan file immutably with its SHA-256 and queue its processing.

    Refuses (ScanRejected) empty, oversized, unknown or unreadable files and a file
    already received for the same agency. Side effects: file stored, audit record,
    `process_scan_batch` queued on commit.
    """
    if agency is not None:
        _require_reception(actor, agency)
    try:
        safe_name = sanitize_filename(name)
    except UploadRejected as exc:
        raise ScanRejected(exc.message) from exc
    if not content:
        raise ScanRejected(f"Tệp “{safe_name}” rỗng.")
    limit = settings.SCAN_MAX_FILE_BYTES
    if len(content) > limit:
        raise ScanRejected(
            f"Tệp “{safe_name}” vượt quá dung lượng cho phép "
            f"{limit / (1024 * 1024):.0f} MB."
        )
    kind, pages = _sniff_scan(safe_name, content)
    try:  # every way in (counter, hot folder, intake_scan) refuses active content
        check_active_content(name=safe_name, content=content)
    except UploadRejected as exc:
        raise ScanRejected(exc.message) from exc
    sha256 = hashlib.sha256(content).hexdigest()
    duplicate = (
        ScanBatch.objects.filter(sha256=sha256, agency=agency)
        .exclude(status=BatchStatus.FAILED)
        .first()
    )
    if duplicate is not None:
        raise ScanRejected(
            f"Tệp “{safe_name}” đã được nhận trước đó (lô quét #{duplicate.pk}, "
            f"{timezone.localtime(duplicate.created_at):%H:%M %d/%m/%Y})."
        )
    batch = ScanBatch(
        agency=agency,
        dossier=dossier,
        source=source,
        original_name=safe_name,
        media_type=SCAN_MEDIA_TYPES[kind],
        size=len(content),
        sha256=sha256,
        pages_total=pages or 0,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    stored = ""
    try:
        with transaction.atomic():
            batch.original.save(safe_name, ContentFile(content), save=False)
            stored = batch.original.name
            batch.save()
            audit_record(
                actor=actor,
                action="scan_batch.received",
                obj=batch,
                after={
                    "name": safe_name,
                    "sha256": sha256,
                    "source": source,
                    "dossier": dossier.code if dossier else None,
                },
                agency=agency,
            )
            if enqueue:
                _queue_batch(batch.pk)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return batch


class _BatchProgress:
    """Writes pages done / total as the pipeline reports them (outside transactions)."""

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if done == self.last:
            return
        self.last = done
        ScanBatch.objects.filter(pk=self.batch_id).update(
            pages_done=min(done, total), pages_total=total
        )
        renew_batch_lease(self.batch_id)


def renew_batch_lease(batch_id: int) -> None:
    """Tell the reaper this batch's worker is alive (each page done renews it)."""
    from backoffice.core.leases import lease_renew

    lease_renew(kind=SCAN_JOB, object_id=batch_id, ttl=settings.SCAN_LEASE_SECONDS)


def scan_batch_run(*, batch_id: int) -> ScanBatch:
    """Run the pipeline on a batch and attach each component's searchable PDF.

    Idempotent: a re-run replaces the files the previous run derived and keeps the
    review decisions staff made. A failed run attaches nothing and records the
    error. Side effects: pages, dossier files, audit record.
    """
    from .pipeline import scan_run

    with transaction.atomic():
        batch = ScanBatch.objects.select_for_update().get(pk=batch_id)
        batch.status = BatchStatus.RUNNING
        batch.pages_done, batch.error = 0, ""
        batch.runs += 1
        batch.started_at, batch.finished_at = timezone.now(), None
        batch.save()
    workdir = Path(tempfile.mkdtemp(prefix=f"scan-{batch_id}-"))
    try:
        source = workdir / f"lo-{batch_id}{Path(batch.original_name).suffix.lower()}"
        with batch.original.open("rb") as handle, source.open("wb") as out:
            shutil.copyfileobj(handle, out)
        if hashlib.sha256(source.read_bytes()).hexdigest() != batch.sha256:
            raise ScanRejected(
                "Tệp quét gốc đã bị thay đổi (SHA-256 không khớp); không xử lý."
            )
        result = scan_run(
            sources=[source],
            workdir=workdir / "work",
            dpi=settings.SCAN_DPI,
            ocr=settings.SCAN_OCR,
            workers=settings.SCAN_WORKERS,
            progress=_BatchProgress(batch_id),
        )
        renew_batch_lease(batch_id)
        _attach(batch_id=batch_id, result=result)
    except Exception as exc:
        message = _failure_message(exc)
        logger.warning("scan batch %s failed: %s", batch_id, exc, exc_info=True)
        ScanBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, error=message, finished_at=timezone.now()
        )
        batch.refresh_from_db()
        audit_record(
            actor=None,
            action="scan_batch.failed",
            obj=batch,
            after={"error": message, "run": batch.runs},
            agency=batch.agency,
        )
        return batch
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    batch.refresh_from_db()
    return batch


def _failure_message(exc: Exception) -> str:
    from .pipeline import ScanInputError

    if isinstance(exc, ScanRejected):
        return exc.message
    if isinstance(exc, ScanInputError):
        return f"Không đọc được tệp quét: {exc}"
    return (
        "Xử lý bản quét không thành công; không có tệp nào được gắn vào hồ sơ. "
        f"Chi tiết: {type(exc).__name__}: {exc}"
    )[:1000]


def _resolve(
    batch: ScanBatch,
    *,
    code: str,
    procedure_code: str,
    position: int,
    cache: dict[str, Dossier | None],
) -> tuple[Dossier, ProcedureComponent] | None:
    """The dossier and component a QR sheet names, if this batch may fill it."""
    if code not in cache:
        cache[code] = (
            Dossier.objects.select_related("procedure", "agency")
            .filter(code=code)
            .first()
        )
    dossier = cache[code]
    if dossier is None or dossier.procedure.code != procedure_code:
        return None
    if batch.agency_id is not None and dossier.agency_id != batch.agency_id:
        return None  # a sheet of another agency's dossier: a person decides
    components = list(dossier.procedure.components.all())
    if not 1 <= position <= len(components):
        return None
    return dossier, components[position - 1]


def _labelled(writer: Any, *, dossier: Dossier, position: int, name: str) -> bytes:
    """Every page labelled with dossier code, procedure code and component, as the
    pipeline labels the files it assembles."""
    label = f"{dossier.code} · {dossier.procedure.code} · TP{position}"
    writer.set_page_label(0, len(writer.pages) - 1, style="/D", prefix=f"{label} – ")
    writer.add_metadata(
        {
            "/Title": f"{dossier.code} – {position}. {name}",
            "/Subject": f"Thủ tục {dossier.procedure.code}; thành phần {position}",
            "/Keywords": f"{dossier.code}, {dossier.procedure.code}, {name}",
            "/Producer": "Một Cửa – số hóa hồ sơ",
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _merge_pdfs(
    paths: Sequence[Path], *, dossier: Dossier, component: ProcedureComponent
) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    return _labelled(
        writer,
        dossier=dossier,
        position=_position(dossier, component),
        name=component.name,
    )


def _position(dossier: Dossier, component: ProcedureComponent) -> int:
    return [c.pk for c in dossier.procedure.components.all()].index(component.pk) + 1


def _is_weak(confidence: float | None) -> bool:
    return confidence is not None and confidence < settings.SCAN_OCR_MIN_CONFIDENCE


def _scan_file_store(
    *,
    dossier: Dossier,
    component: ProcedureComponent,
    batch: ScanBatch,
    pages: list[int],
    pdf: bytes,
    name: str,
    source: str,
    uploaded_by: AbstractBaseUser | None,
    stored: list[str],
    ocr_text: str = "",
    ocr_confidence: float | None = None,
) -> DossierFile:
    """Store a component PDF made from scanned pages as a file of the dossier;
    the stored name goes into `stored` at once, so a failure can remove it."""
    record = DossierFile(
        dossier=dossier,
        component=component,
        kind=DossierFile.Kind.SUBMITTED,
        source=source,
        scan_batch=batch,
        scan_pages=pages,
        original_name=name,
        media_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        pages=len(pages),
        ocr_text=ocr_text,
        ocr_confidence=ocr_confidence,
        uploaded_by=uploaded_by,
    )
    record.file.save(name, ContentFile(pdf), save=False)
    stored.append(record.file.name)
    record.save()
    return record


def _attach(*, batch_id: int, result: Any) -> None:
    stored: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            batch = ScanBatch.objects.select_for_update().get(pk=batch_id)
            _attach_locked(batch, result, stored, replaced)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    # The previous run's derived files go only once the new ones are committed.
    for name in replaced:
        default_storage.delete(name)


def _attach_locked(
    batch: ScanBatch, result: Any, stored: list[str], replaced: list[str]
) -> None:
    """Dossier files and page rows for one pipeline result, inside one transaction."""
    cache: dict[str, Dossier | None] = {}
    previous = DossierFile.objects.filter(
        scan_batch=batch, source=DossierFile.Source.SCAN
    )
    replaced += [old.file.name for old in previous]
    previous.delete()
    existing = {p.index: p for p in batch.pages.all()}
    for page in existing.values():
        replaced += [f.name for f in (page.thumbnail, page.page_pdf) if f]

    by_index = {page.index: page for page in result.pages}
    placed: dict[int, tuple[Dossier, ProcedureComponent]] = {}
    weak_pages: set[int] = set()
    files_made: list[dict[str, Any]] = []
    agencies: dict[int, int] = {}
    for found in result.dossiers:
        for part in found.components:
            target = _resolve(
                batch,
                code=found.code,
                procedure_code=found.procedure_code,
                position=part.position,
                cache=cache,
            )
            if target is None:
                continue
            dossier, component = target
            agencies[dossier.agency_id] = agencies.get(dossier.agency_id, 0) + 1
            pages = sorted(part.pages)
            weak = [i for i in pages if _is_weak(by_index[i].ocr_confidence)]
            weak_pages.update(weak)
            keep = [i for i in pages if i not in weak]
            if not keep:
                continue
            placed.update(dict.fromkeys(keep, target))
            if keep == pages:
                pdf = Path(part.pdf_path).read_bytes()
                text, confidence = part.text, part.mean_confidence
            else:
                pdf = _merge_pdfs(
                    [by_index[i].pdf_path for i in keep],
                    dossier=dossier,
                    component=component,
                )
                text = "\n\f".join(by_index[i].ocr_text for i in keep)
                scores = [
                    by_index[i].ocr_confidence
                    for i in keep
                    if by_index[i].ocr_confidence is not None
                ]
                confidence = sum(scores) / len(scores) if scores else None
            name = (
                f"{dossier.code}-{dossier.procedure.code}-tp{part.position:02d}"
                f"-lo{batch.pk}.pdf"
            )
            _scan_file_store(
                dossier=dossier,
                component=component,
                batch=batch,
                pages=keep,
                pdf=pdf,
                name=name,
                source=DossierFile.Source.SCAN,
                uploaded_by=batch.created_by,
                ocr_text=_nfc(text),
                ocr_confidence=confidence,
                stored=stored,
            )
            files_made.append(
                {"dossier": dossier.code, "component": part.position, "pages": keep}
            )

    if batch.agency_id is None and agencies:
        # A hot-folder file without a configured agency belongs where its sheets say.
        batch.agency_id = max(agencies, key=agencies.__getitem__)

    covers = [p.index for p in result.pages if p.sheet is not None and p.sheet.is_cover]
    first_cover = min(covers) if covers else None
    for index in sorted(by_index):
        info = by_index[index]
        page = existing.get(index) or ScanPage(batch=batch, index=index)
        page.rotation, page.skew = info.rotation, info.skew
        page.is_blank = info.blank
        page.is_sheet = info.sheet is not None or info.sheet_unreadable
        page.qr_payload = _sheet_text(info.sheet)
        page.ocr_confidence, page.ocr_text = info.ocr_confidence, _nfc(info.ocr_text)
        page.thumbnail = page.page_pdf = None
        thumbnail = result.thumbnails.get(index)
        if thumbnail is not None and Path(thumbnail).is_file():
            page.thumbnail.save(
                f"p{index:04d}{Path(thumbnail).suffix}",
                ContentFile(Path(thumbnail).read_bytes()),
                save=False,
            )
            stored.append(page.thumbnail.name)
        decided = page.review_state in (ReviewState.ASSIGNED, ReviewState.DISCARDED)
        if index in placed:
            page.dossier, page.component = placed[index]
            page.review_reason, page.review_state = "", ReviewState.NONE
        elif decided:
            pass  # a person already decided on this page; a re-run keeps that
        elif info.blank or (info.sheet is not None and not info.sheet_unreadable):
            page.dossier = page.component = None
            page.review_reason, page.review_state = "", ReviewState.NONE
        else:
            page.dossier = page.component = None
            if index in weak_pages:
                page.review_reason = ReviewReason.LOW_CONFIDENCE
            elif info.sheet_unreadable:
                page.review_reason = ReviewReason.UNREADABLE_SHEET
            elif first_cover is None or index < first_cover:
                page.review_reason = ReviewReason.BEFORE_COVER
            else:
                page.review_reason = ReviewReason.UNMATCHED
            page.review_state = ReviewState.PENDING
            if info.pdf_path is not None and Path(info.pdf_path).is_file():
                page.page_pdf.save(
                    f"p{index:04d}.pdf",
                    ContentFile(Path(info.pdf_path).read_bytes()),
                    save=False,
                )
                stored.append(page.page_pdf.name)
        page.save()

    pending = batch.pages.filter(review_state=ReviewState.PENDING).count()
    batch.status = BatchStatus.DONE
    batch.pages_total = batch.pages_done = len(by_index)
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
        dossier = cache[code]
        assert dossier is not None  # noqa: S101 - only resolved dossiers got files
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


def _sheet_text(sheet: Any) -> str:
    if sheet is None:
        return ""
    from .sheets import cover_payload, separator_payload

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


def pages_pdf(
    *,
    batch: ScanBatch,
    pages: Sequence[ScanPage],
    dossier: Dossier,
    component: ProcedureComponent,
) -> bytes:
    """A PDF of some pages of a batch, upright and labelled for the component.

    The searchable page PDFs the run kept when there are; otherwise the pages of
    the original (PDF pages copied as they are, image frames as image pages).
    """
    from pypdf import PdfReader, PdfWriter

    if pages and all(p.page_pdf for p in pages):
        with tempfile.TemporaryDirectory(prefix="scan-pages-") as tmp:
            paths = []
            for page in pages:
                path = Path(tmp) / f"{page.index:04d}.pdf"
                with page.page_pdf.open("rb") as handle:
                    path.write_bytes(handle.read())
                paths.append(path)
            return _merge_pdfs(paths, dossier=dossier, component=component)
    with batch.original.open("rb") as handle:
        data = handle.read()
    if batch.media_type != "application/pdf":
        from PIL import Image

        frames = []
        with Image.open(io.BytesIO(data)) as image:
            for page in pages:
                image.seek(page.index)
                frame = image.convert("RGB")
                if page.rotation:
                    frame = frame.rotate(-page.rotation, expand=True)
                frames.append(frame)
        out = io.BytesIO()
        frames[0].save(
            out,
            format="PDF",
            save_all=True,
            append_images=frames[1:],
            resolution=float(settings.SCAN_DPI),
        )
        data, pages = (
            out.getvalue(),
            [ScanPage(index=i, rotation=0) for i in range(len(frames))],
        )
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in pages:
        added = writer.add_page(reader.pages[page.index])
        if page.rotation:
            added.rotate(page.rotation % 360)
    return _labelled(
        writer,
        dossier=dossier,
        position=_position(dossier, component),
        name=component.name,
    )


# --- Review queue ----------------------------------------------------------------


def _pending_range(batch: ScanBatch, first: int, last: int) -> list[ScanPage]:
    if first < 1 or last < first:
        raise ValidationError(
            {"pages": "Khoảng trang không hợp lệ: trang đầu phải ≤ trang cuối."}
        )
    pages = list(
        batch.pages.select_for_update().filter(
            index__gte=first - 1, index__lte=last - 1
        )
    )
    if len(pages) != last - first + 1:
        raise ValidationError(
            {"pages": f"Lô quét #{batch.pk} không có đủ các trang {first}–{last}."}
        )
    not_pending = [p.number for p in pages if p.review_state != ReviewState.PENDING]
    if not_pending:
        raise ValidationError(
            {
                "pages": "Các trang sau không nằm trong hàng chờ xem lại: "
                + ", ".join(str(n) for n in not_pending)
                + "."
            }
        )
    return pages


def scan_pages_assign(
    *,
    actor: AbstractBaseUser,
    batch: ScanBatch,
    first: int,
    last: int,
    dossier: Dossier,
    component: ProcedureComponent,
) -> DossierFile:
    """Put a range of queued pages (1-based, inclusive) into a dossier's component.

    Side effects: a dossier file made from those pages of the original, the pages
    marked assigned, audit record.
    """
    _require_reception(actor, dossier.agency)
    if component.procedure_id != dossier.procedure_id:
        raise ValidationError(
            {"component": f"Thành phần không thuộc thủ tục {dossier.procedure.code}."}
        )
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = ScanBatch.objects.select_for_update().get(pk=batch.pk)
            pages = _pending_range(locked, first, last)
            indexes = [p.index for p in pages]
            pdf = pages_pdf(
                batch=locked, pages=pages, dossier=dossier, component=component
            )
            position = _position(dossier, component)
            name = (
                f"{dossier.code}-{dossier.procedure.code}-tp{position:02d}"
                f"-lo{locked.pk}-tr{first}-{last}.pdf"
            )
            record = _scan_file_store(
                dossier=dossier,
                component=component,
                batch=locked,
                pages=indexes,
                pdf=pdf,
                name=name,
                source=DossierFile.Source.REVIEW,
                uploaded_by=actor,
                stored=stored,
            )
            now = timezone.now()
            for page in pages:
                page.review_state = ReviewState.ASSIGNED
                page.dossier, page.component = dossier, component
                page.decided_at, page.decided_by = now, actor
                page.save()
            audit_record(
                actor=actor,
                action="scan_pages.assigned",
                obj=locked,
                before={"pages": [p + 1 for p in indexes], "state": "pending"},
                after={
                    "dossier": dossier.code,
                    "component": component.pk,
                    "position": position,
                    "file": record.pk,
                },
                agency=dossier.agency,
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return record


@transaction.atomic
def scan_pages_discard(
    *,
    actor: AbstractBaseUser,
    batch: ScanBatch,
    first: int,
    last: int,
    reason: str = "",
) -> int:
    """Take a range of queued pages out of the queue without attaching them."""
    if batch.agency is not None:
        _require_reception(actor, batch.agency)
    locked = ScanBatch.objects.select_for_update().get(pk=batch.pk)
    pages = _pending_range(locked, first, last)
    now = timezone.now()
    for page in pages:
        page.review_state = ReviewState.DISCARDED
        page.decided_at, page.decided_by = now, actor
        page.save()
    audit_record(
        actor=actor,
        action="scan_pages.discarded",
        obj=locked,
        before={"pages": [p.number for p in pages], "state": "pending"},
        after={"state": "discarded"},
        agency=locked.agency,
        note=_nfc(reason).strip(),
    )
    return len(pages)


@transaction.atomic
def scan_batch_requeue(*, actor: AbstractBaseUser, batch: ScanBatch) -> ScanBatch:
    """Run a batch again (after a failure or a pipeline update)."""
    if batch.agency is not None:
        _require_reception(actor, batch.agency)
    from backoffice.core.leases import lease_expired

    locked = ScanBatch.objects.select_for_update().get(pk=batch.pk)
    # "Running" with an expired lease means its worker died: it may run again.
    if locked.status == BatchStatus.RUNNING and not lease_expired(
        kind=SCAN_JOB, object_id=locked.pk
    ):
        raise ValidationError({"batch": "Lô quét đang được xử lý; hãy chờ."})
    locked.status, locked.pages_done, locked.error = BatchStatus.QUEUED, 0, ""
    locked.save(update_fields=["status", "pages_done", "error"])
    audit_record(
        actor=actor, action="scan_batch.requeued", obj=locked, agency=locked.agency
    )
    _queue_batch(locked.pk)
    return locked


def _queue_batch(batch_id: int) -> None:
    from backoffice.core.leases import lease_queue

    from .tasks import process_scan_batch

    lease_queue(kind=SCAN_JOB, object_id=batch_id, task=process_scan_batch.name)


def scan_batch_give_up(batch_id: int, reason: str) -> None:
    """The reaper gave up on a batch whose workers kept dying: mark it failed, with
    the reason, where staff can run it again (registered in apps.py)."""
    batch = ScanBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    ScanBatch.objects.filter(pk=batch_id).update(
        status=BatchStatus.FAILED, error=reason, finished_at=timezone.now()
    )
    audit_record(
        actor=None,
        action="scan_batch.failed",
        obj=batch,
        after={"error": reason, "run": batch.runs},
        agency=batch.agency,
    )


# --- Hot folder ------------------------------------------------------------------


@dataclass(frozen=True)
class HotFolderResult:
    processed: list[str]
    failed: list[str]


def _hot_folder_agency(path: Path, root: Path) -> Agency | None:
    """A subfolder named after an agency code files into that agency."""
    relative = path.parent.relative_to(root)
    if relative.parts:
        return Agency.objects.filter(code=relative.parts[0]).first()
    code = settings.SCAN_HOT_FOLDER_AGENCY
    return Agency.objects.filter(code=code).first() if code else None


def _move(path: Path, target_dir: Path) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = target_dir / f"{stamp}-{path.name}"
    n = 1
    while target.exists():
        target = target_dir / f"{stamp}-{n}-{path.name}"
        n += 1
    path.replace(target)
    return target


HOT_FOLDER_SUFFIXES = {".pdf", ".tif", ".tiff", ".jpg", ".jpeg"}


def hot_folder_consume(
    *, root: Path | None = None, now: dt.datetime | None = None
) -> HotFolderResult:
    """Take each settled file in the scanner folder, run it, move it when done.

    A file goes to processed/ when its batch was processed, to failed/ (with a
    .txt note giving the reason) when it was refused or its run failed. A file is
    first moved to processing/ so two consumers never take the same one.
    """
    result = HotFolderResult(processed=[], failed=[])
    configured = str(root or settings.SCAN_HOT_FOLDER or "").strip()
    # An empty or relative setting would make Path() mean the working directory,
    # and the consumer would move the program's own files: only an absolute,
    # existing folder is ever consumed.
    if not configured or not Path(configured).is_absolute():
        return result
    folder = Path(configured)
    if not folder.is_dir():
        return result
    settle = settings.SCAN_HOT_FOLDER_SETTLE_SECONDS
    moment = (now or timezone.now()).timestamp()
    reserved = {"processed", "failed", "processing"}
    # Only scan files, in the folder or one agency subfolder below it, never
    # symbolic links: nothing else a scanner writes is ever moved.
    candidates = sorted(
        p
        for p in [*folder.glob("*"), *folder.glob("*/*")]
        if p.is_file()
        and not p.is_symlink()
        and not p.parent.is_symlink()
        and p.suffix.lower() in HOT_FOLDER_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and not reserved & set(p.relative_to(folder).parts[:1])
    )
    for path in candidates:
        try:
            if moment - path.stat().st_mtime < settle:
                continue  # the scanner may still be writing it
            claimed = _move(path, folder / "processing")
        except FileNotFoundError:
            continue  # another consumer took it
        name = path.name
        try:
            agency = _hot_folder_agency(path, folder)
            batch = scan_batch_create(
                actor=None,
                agency=agency,
                name=name,
                content=claimed.read_bytes(),
                source=BatchSource.HOT_FOLDER,
                enqueue=False,  # run here, so the file moves when it is done
            )
            batch = scan_batch_run(batch_id=batch.pk)
        except ScanRejected as exc:
            _fail(claimed, folder, exc.message)
            result.failed.append(name)
            continue
        except Exception:
            # Never leave a claimed file in processing/: the next look would not
            # see it, and nobody would know why it vanished.
            logger.exception("hot folder file %s could not be taken", name)
            _fail(claimed, folder, "Lỗi hệ thống khi nhận tệp; hãy báo quản trị.")
            result.failed.append(name)
            continue
        if batch.status == BatchStatus.DONE:
            _move(claimed, folder / "processed")
            result.processed.append(name)
        else:
            _fail(claimed, folder, f"Lô quét #{batch.pk}: {batch.error}")
            result.failed.append(name)
    return result


def _fail(claimed: Path, folder: Path, reason: str) -> None:
    """Move a file to failed/ with a .txt note beside it giving the reason."""
    target = _move(claimed, folder / "failed")
    target.with_suffix(target.suffix + ".txt").write_text(
        reason + "\n", encoding="utf-8"
    )
