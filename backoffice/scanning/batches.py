"""Scan batches: receive a scan file, run the pipeline on it, run it again.

A batch's original is stored immutably with its SHA-256; its run happens in a
worker (`tasks.process_scan_batch`) under a lease renewed page by page. What the
run found is attached by `attach.scan_result_attach`; a failed run attaches
nothing and records the error.
"""

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record
from backoffice.dossiers.filetypes import HEIC, JPG, MEDIA_TYPES, PDF, TIFF
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.uploads import (
    UploadRejected,
    check_active_content,
    sanitize_filename,
)

from .attach import scan_result_attach
from .constants import SCAN_JOB, BatchSource, BatchStatus
from .models import ScanBatch

logger = logging.getLogger(__name__)

# What a batch may be: the kinds of the shared sniffer a scanner writes, and the
# iPhone's HEIC photo of a page (the pipeline flattens photos).
SCAN_MEDIA_TYPES = {kind: MEDIA_TYPES[kind] for kind in (PDF, TIFF, JPG, HEIC)}


class ScanRejected(ValueError):
    """A scan file refused before any batch exists; `message` is for the officer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def require_reception(actor: AbstractBaseUser | None, agency: Agency) -> None:
    """PermissionDenied unless `actor` receives dossiers at `agency` (None is the
    system itself: the hot folder, management commands)."""
    if actor is None:
        return
    if Permission.RECEIVE_DOSSIERS not in user_permissions(user=actor, agency=agency):
        raise PermissionDenied(
            _("Bạn không có quyền tiếp nhận hồ sơ tại %(agency)s.")
            % {"agency": agency.name}
        )


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
                    _("Tệp “%(name)s” không phải bản quét PDF, TIFF, JPEG hoặc HEIC.")
                    % {"name": name}
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
        require_reception(actor, agency)
    try:
        safe_name = sanitize_filename(name)
    except UploadRejected as exc:
        raise ScanRejected(exc.message) from exc
    if not content:
        raise ScanRejected(_("Tệp “%(safe_name)s” rỗng.") % {"safe_name": safe_name})
    limit = settings.SCAN_MAX_FILE_BYTES
    if len(content) > limit:
        raise ScanRejected(
            _("Tệp “%(safe_name)s” vượt quá dung lượng cho phép %(limit)s.")
            % {"safe_name": safe_name, "limit": f"{limit / (1024 * 1024):.0f} MB"}
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
            _(
                "Tệp “%(safe_name)s” đã được nhận trước đó (lô quét #%(batch)s, "
                "%(received)s)."
            )
            % {
                "safe_name": safe_name,
                "batch": duplicate.pk,
                "received": timezone.localtime(duplicate.created_at).strftime(
                    "%H:%M %d/%m/%Y"
                ),
            }
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
    from . import pipeline

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
                _("Tệp quét gốc đã bị thay đổi (SHA-256 không khớp); không xử lý.")
            )
        result = pipeline.scan_run(
            sources=[source],
            workdir=workdir / "work",
            dpi=settings.SCAN_DPI,
            ocr=settings.SCAN_OCR,
            workers=settings.SCAN_WORKERS,
            progress=_BatchProgress(batch_id),
            min_confidence=settings.SCAN_OCR_MIN_CONFIDENCE,
        )
        renew_batch_lease(batch_id)
        scan_result_attach(batch_id=batch_id, result=result)
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


@transaction.atomic
def scan_batch_requeue(*, actor: AbstractBaseUser, batch: ScanBatch) -> ScanBatch:
    """Run a batch again (after a failure or a pipeline update)."""
    if batch.agency is not None:
        require_reception(actor, batch.agency)
    from backoffice.core.leases import lease_expired

    locked = ScanBatch.objects.select_for_update().get(pk=batch.pk)
    # "Running" with an expired lease means its worker died: it may run again.
    if locked.status == BatchStatus.RUNNING and not lease_expired(
        kind=SCAN_JOB, object_id=locked.pk
    ):
        raise ValidationError({"batch": _("Lô quét đang được xử lý; hãy chờ.")})
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
