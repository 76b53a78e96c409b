"""Dossier writes: submission, status transitions. Each is atomic and audited."""

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.services import audit_record
from backoffice.core.text import nfc
from backoffice.core.workcalendar import WorkingCalendar
from backoffice.procedures.models import Procedure

from .applicants import applicant_check
from .codes import dossier_code_next
from .constants import (
    CLOCK_STOPPED,
    FINAL,
    Channel,
    DossierStatus,
    ResultDelivery,
)
from .filetypes import FORMAT_EQUIVALENTS
from .models import Dossier, DossierFile, DossierStatusEvent
from .process import dossier_process_start
from .uploads import CheckedUpload, UploadRejected, check_dossier_total


@dataclass(frozen=True)
class Applicant:
    """Who files the dossier (and who represents them, when filing on their behalf)."""

    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    representative_name: str = ""
    representative_id_number: str = ""
    representative_phone: str = ""
    # Đối tượng: "citizen", or "organisation"/"business" with name and tax code.
    type: str = "citizen"
    organisation: str = ""
    tax_code: str = ""


def _applicant_fields(applicant: Applicant) -> dict[str, str]:
    data = {key: (value or "").strip() for key, value in asdict(applicant).items()}
    return {
        ("applicant_" + key if not key.startswith("representative") else key): value
        for key, value in data.items()
    }


def _check_components(
    *,
    procedure: Procedure,
    files: Mapping[int, Sequence[CheckedUpload]],
    require_all: bool,
) -> None:
    components = {c.pk: c for c in procedure.components.all()}
    errors: dict[str, list[str]] = {}
    for component_id, uploads in files.items():
        component = components.get(component_id)
        if component is None:
            errors.setdefault("files", []).append(
                _("Thành phần #%(component)s không thuộc thủ tục %(procedure)s.")
                % {"component": component_id, "procedure": procedure.code}
            )
            continue
        allowed = set(component.formats)
        for upload in uploads:
            # A phone's HEIC photo counts as the JPG the component accepts.
            kind = FORMAT_EQUIVALENTS.get(upload.extension, upload.extension)
            if upload.extension not in allowed and not (
                kind == "jpg" and ({"jpg", "jpeg"} & allowed)
            ):
                errors.setdefault(f"component_{component_id}", []).append(
                    _("“%(file)s”: thành phần “%(component)s” chỉ nhận %(formats)s.")
                    % {
                        "file": upload.name,
                        "component": component.name,
                        "formats": ", ".join(sorted(allowed)),
                    }
                )
    if require_all:
        for component in components.values():
            if component.required and not files.get(component.pk):
                errors.setdefault(f"component_{component.pk}", []).append(
                    _("Chưa có tệp cho thành phần bắt buộc “%(component)s”.")
                    % {"component": component.name}
                )
    if errors:
        raise ValidationError(errors)


def dossier_file_store(
    *,
    dossier: Dossier,
    name: str,
    content: bytes,
    media_type: str,
    stored: list[str],
    kind: str = DossierFile.Kind.SUBMITTED,
    component_id: int | None = None,
    pages: int | None = None,
    source: str = DossierFile.Source.UPLOAD,
    ocr_text: str = "",
    ocr_confidence: float | None = None,
    uploaded_by: AbstractBaseUser | None = None,
    check: bool = True,
    verdict: str | None = None,
) -> DossierFile:
    """Store one file of a dossier: the only way a DossierFile is made.

    The SHA-256 is taken here from the bytes stored, the OCR text is stored NFC and
    the record is immutable once saved (DossierFile.save). The stored name goes
    into `stored` at once, so a caller whose transaction fails can remove it.
    Side effects: the file written to storage; with `check`, the signature check
    (Art. 4.1.c) queued on commit — a caller storing several files passes
    check=False and calls `dossier_files_check_queue` once. A `verdict` already
    known (a receipt verified as it was signed) is recorded as checked instead.
    """
    record = DossierFile(
        dossier=dossier,
        component_id=component_id,
        kind=kind,
        source=source,
        original_name=name,
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        ocr_text=nfc(ocr_text),
        ocr_confidence=ocr_confidence,
        uploaded_by=(
            uploaded_by
            if uploaded_by is not None and uploaded_by.is_authenticated
            else None
        ),
    )
    if verdict is not None:
        record.signature_verdict, record.checked_at = verdict, timezone.now()
    record.file.save(name, ContentFile(content), save=False)
    stored.append(record.file.name)
    record.save()
    if check and verdict is None:
        dossier_files_check_queue(dossier_id=dossier.pk)
    return record


def dossier_files_check_queue(*, dossier_id: int) -> None:
    """Queue the signature check of the dossier's unchecked files (on commit)."""
    from .tasks import check_dossier_files

    check_dossier_files.delay_on_commit(dossier_id)


def dossier_uploads_store(
    *,
    dossier: Dossier,
    files: Mapping[int | None, Sequence[CheckedUpload]],
    kind: str,
    by: AbstractBaseUser | None,
    stored: list[str],
    check: bool = True,
) -> list[DossierFile]:
    """Store checked uploads as the dossier's immutable files (through
    `dossier_file_store`); unless `check` is off (the caller queues work that
    checks them first), queue their signature check once."""
    created = [
        dossier_file_store(
            dossier=dossier,
            name=upload.name,
            content=upload.content,
            media_type=upload.media_type,
            stored=stored,
            kind=kind,
            component_id=component_id,
            pages=upload.pages,
            uploaded_by=by,
            check=False,
        )
        for component_id, uploads in files.items()
        for upload in uploads
    ]
    if created and check:
        # Every file that enters a dossier gets its signature check (Art. 4.1.c).
        dossier_files_check_queue(dossier_id=dossier.pk)
    return created


def stored_files_discard(names: list[str]) -> None:
    """Remove files a failed transaction wrote to storage."""
    for name in names:
        default_storage.delete(name)


def dossier_submit(
    *,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: Applicant,
    files: Mapping[int, Sequence[CheckedUpload]],
    owner: AbstractBaseUser | None = None,
    received_by: AbstractBaseUser | None = None,
    result_delivery: str = ResultDelivery.DESK,
    notes: str = "",
    now: dt.datetime | None = None,
    source_draft_key: uuid.UUID | None = None,
) -> Dossier:
    """Register a dossier: code, receipt time, due date, files, first status event.

    Online dossiers need a file for every required component; counter dossiers may
    bring paper that is scanned later. Side effects: files stored, audit record.
    Nothing is left behind when any check or write fails.
    """
    # .all(): the agencies the caller prefetched (or cached) — no query then.
    if not procedure.is_active or all(
        a.pk != agency.pk for a in procedure.agencies.all()
    ):
        raise ValidationError(
            {
                "agency": _("%(agency)s không tiếp nhận thủ tục %(procedure)s.")
                % {"agency": agency.name, "procedure": procedure.code}
            }
        )
    if channel not in Channel.values:
        raise ValidationError(
            {
                "channel": _("Kênh nộp “%(channel)s” không hợp lệ.")
                % {"channel": channel}
            }
        )
    applicant = applicant_check(procedure=procedure, applicant=applicant)
    _check_components(
        procedure=procedure, files=files, require_all=channel == Channel.ONLINE
    )
    try:
        check_dossier_total(sizes=[u.size for us in files.values() for u in us])
    except UploadRejected as exc:
        raise ValidationError({"files": exc.message}) from exc

    moment = now or timezone.now()
    calendar = WorkingCalendar(agency=agency)
    received_at = calendar.effective_start(moment)
    dossier = Dossier(
        procedure=procedure,
        agency=agency,
        channel=channel,
        owner=owner if owner is not None and owner.is_authenticated else None,
        received_by=received_by,
        result_delivery=result_delivery,
        received_at=received_at,
        due_at=calendar.due_at(moment, procedure.processing_days),
        notes=notes.strip(),
        source_draft_key=source_draft_key,
        **_applicant_fields(applicant),
    )
    # Field checks only: the foreign keys were just read and the unique columns are
    # guarded by the database (each check would be one more query per submission).
    dossier.full_clean(
        exclude=["code", "procedure", "agency", "owner", "received_by"],
        validate_unique=False,
        # applicant_check above gave the applicant constraint's reasons in words;
        # the database enforces it again (one query less per submission).
        validate_constraints=False,
    )
    stored: list[str] = []
    try:
        # No savepoint (two statements per submission): a failure here ends the
        # caller's transaction, and every caller lets it (none catches and goes on).
        with transaction.atomic(savepoint=False):
            dossier.code = dossier_code_next(agency=agency, day=received_at.date())
            dossier.save()
            dossier_uploads_store(
                dossier=dossier,
                files=files,
                kind=DossierFile.Kind.SUBMITTED,
                by=owner or received_by,
                stored=stored,
                check=False,  # the receipt job below checks them before signing
            )
            DossierStatusEvent.objects.create(
                dossier=dossier,
                status=DossierStatus.NEW,
                at=moment,
                actor=received_by or dossier.owner,
                due_at=dossier.due_at,
                note=f"Tiếp nhận qua kênh {Channel(channel).label.lower()}.",
            )
            audit_record(
                actor=received_by or owner,
                action="dossier.submitted",
                obj=dossier,
                after={"code": dossier.code, "procedure": procedure.code},
                agency=agency,
            )
            from .receipts import dossier_receipt_queue

            dossier_receipt_queue(dossier_id=dossier.pk)
    except BaseException:
        stored_files_discard(stored)
        raise
    return dossier


# Statuses in which a dossier has processing steps (laid out on the way in).
STEPS_LAID_OUT = frozenset({DossierStatus.ACCEPTED, DossierStatus.PROCESSING})


def dossier_transition(
    *,
    dossier: Dossier,
    to: int,
    actor: AbstractBaseUser | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Move a dossier to another status if the transition table allows it.

    Leaving a clock-stopped status (supplement requested, awaiting fee) moves the due
    date by the working days waited. Entering processing (accepted, processing) lays
    out the procedure's steps once. Side effects: status event, audit record, the
    applicant notified (notify.dossier_notify) on commit.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if not locked.can_move_to(to):
            raise ValidationError(
                {
                    "status": (
                        _("Không thể chuyển hồ sơ từ “%(source)s” sang “%(target)s”.")
                        % {
                            "source": locked.get_status_display(),
                            "target": DossierStatus(to).label,
                        }
                    )
                }
            )
        before = {"status": locked.status, "due_at": locked.due_at.isoformat()}
        if locked.status in CLOCK_STOPPED and to not in CLOCK_STOPPED:
            locked.due_at = _due_after_pause(locked, resumed_at=moment)
        locked.status = to
        if to in FINAL:
            locked.finished_at = moment
        locked.save(update_fields=["status", "due_at", "finished_at", "updated_at"])
        event = DossierStatusEvent.objects.create(
            dossier=locked,
            status=to,
            at=moment,
            actor=actor,
            note=note,
            due_at=locked.due_at,
        )
        from .notify import StatusChanged, dossier_notify

        dossier_notify(event=StatusChanged(event.pk))
        audit_record(
            actor=actor,
            action="dossier.status_changed",
            obj=locked,
            before=before,
            after={"status": to, "due_at": locked.due_at.isoformat()},
            agency=locked.agency,
            note=note,
        )
        if to in STEPS_LAID_OUT and not locked.steps.exists():
            dossier_process_start(dossier=locked, actor=actor, now=moment)
    dossier.refresh_from_db()
    return dossier


def _due_after_pause(dossier: Dossier, *, resumed_at: dt.datetime) -> dt.datetime:
    """The due date moved by the working days between the pause and now."""
    paused = dossier.events.filter(status=dossier.status).order_by("-at").first()
    if paused is None:
        return dossier.due_at
    calendar = WorkingCalendar(agency=dossier.agency)
    start = calendar.to_local(paused.at).date()
    end = calendar.to_local(resumed_at).date()
    waited, day = 0, start
    while day < end:
        day = calendar.next_working_day(day)
        if day <= end:
            waited += 1
    return calendar.due_at(dossier.due_at, waited) if waited else dossier.due_at


def dossier_files_check(*, dossier_id: int) -> int:
    """Give every unchecked PDF of the dossier its signature verdict."""
    from backoffice.signatures.verification import UnreadablePdf, pdf_verify

    checked = 0
    pending = DossierFile.objects.filter(dossier_id=dossier_id, checked_at__isnull=True)
    for record in pending:
        if record.media_type == "application/pdf":
            with record.file.open("rb") as handle:
                try:
                    record.signature_verdict = pdf_verify(
                        pdf_bytes=handle.read()
                    ).verdict
                except UnreadablePdf:
                    record.signature_verdict = "invalid"
        record.checked_at = timezone.now()
        record.save(update_fields=["signature_verdict", "checked_at"])
        checked += 1
    return checked
