"""The review queue: pages the pipeline could not place, decided by a person.

Assigning a range makes a dossier file of those pages through the same store as
the pipeline's files, OCR text included, so staff search finds them too.
"""

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pypdf import PdfReader, PdfWriter

from backoffice.core.services import audit_record
from backoffice.core.text import nfc
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.services import dossier_files_check_queue, stored_files_discard
from backoffice.procedures.models import ProcedureComponent

from .batches import require_reception
from .constants import ReviewState
from .files import component_position, scanned_file_name, scanned_file_store
from .labelling import join_page_texts, label_component_pdf, mean_confidence
from .models import ScanBatch, ScanPage


def _pending_range(batch: ScanBatch, first: int, last: int) -> list[ScanPage]:
    if first < 1 or last < first:
        raise ValidationError(
            {"pages": _("Khoảng trang không hợp lệ: trang đầu phải ≤ trang cuối.")}
        )
    pages = list(
        batch.pages.select_for_update().filter(
            index__gte=first - 1, index__lte=last - 1
        )
    )
    if len(pages) != last - first + 1:
        raise ValidationError(
            {
                "pages": _(
                    "Lô quét #%(batch)s không có đủ các trang %(first)s–%(last)s."
                )
                % {"batch": batch.pk, "first": first, "last": last}
            }
        )
    not_pending = [p.number for p in pages if p.review_state != ReviewState.PENDING]
    if not_pending:
        raise ValidationError(
            {
                "pages": _("Các trang sau không nằm trong hàng chờ xem lại: %(pages)s.")
                % {"pages": ", ".join(str(n) for n in not_pending)}
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

    Side effects: a dossier file made from those pages, with their OCR text; the
    pages marked assigned; its signature check queued; audit record.
    """
    require_reception(actor, dossier.agency)
    if component.procedure_id != dossier.procedure_id:
        raise ValidationError(
            {
                "component": _("Thành phần không thuộc thủ tục %(procedure)s.")
                % {"procedure": dossier.procedure.code}
            }
        )
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = ScanBatch.objects.select_for_update().get(pk=batch.pk)
            pages = _pending_range(locked, first, last)
            indexes = [p.index for p in pages]
            position = component_position(dossier, component)
            record = scanned_file_store(
                dossier=dossier,
                component=component,
                batch=locked,
                pages=indexes,
                pdf=pages_pdf(
                    batch=locked, pages=pages, dossier=dossier, component=component
                ),
                name=scanned_file_name(
                    dossier=dossier,
                    position=position,
                    batch=locked,
                    suffix=f"-tr{first}-{last}",
                ),
                source=DossierFile.Source.REVIEW,
                uploaded_by=actor,
                stored=stored,
                ocr_text=join_page_texts(p.ocr_text for p in pages),
                ocr_confidence=mean_confidence(p.ocr_confidence for p in pages),
            )
            dossier_files_check_queue(dossier_id=dossier.pk)
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
        stored_files_discard(stored)
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
        require_reception(actor, batch.agency)
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
        note=nfc(reason).strip(),
    )
    return len(pages)


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
    writer = PdfWriter()
    if pages and all(p.page_pdf for p in pages):
        with tempfile.TemporaryDirectory(prefix="scan-pages-") as tmp:
            for page in pages:
                path = Path(tmp) / f"{page.index:04d}.pdf"
                with page.page_pdf.open("rb") as handle:
                    path.write_bytes(handle.read())
                writer.append(str(path))
            return _labelled(writer, dossier=dossier, component=component)
    with batch.original.open("rb") as handle:
        data = handle.read()
    if batch.media_type != "application/pdf":
        data, pages = (
            _frames_pdf(data, pages),
            [ScanPage(index=i, rotation=0) for i in range(len(pages))],
        )
    reader = PdfReader(io.BytesIO(data))
    for page in pages:
        added = writer.add_page(reader.pages[page.index])
        if page.rotation:
            added.rotate(page.rotation % 360)
    return _labelled(writer, dossier=dossier, component=component)


def _frames_pdf(data: bytes, pages: Sequence[ScanPage]) -> bytes:
    """The given frames of a TIFF or JPEG scan as an image PDF, turned upright."""
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
    return out.getvalue()


def _labelled(
    writer: PdfWriter, *, dossier: Dossier, component: ProcedureComponent
) -> bytes:
    label_component_pdf(
        writer,
        dossier_code=dossier.code,
        procedure_code=dossier.procedure.code,
        position=component_position(dossier, component),
        name=component.name,
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
