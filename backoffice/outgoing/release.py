"""Release (phát hành): number, sign and record an approved document, all or
nothing, then queue its dispatch and close the incoming document it answers.

The clerk's request (`outgoing_release_request`) only checks the document and
marks it "đang ký"; the signing job (`sign_outgoing_document`, a leased task)
runs `outgoing_release_sign` in the worker, so a PKCS#11 token or a large PDF
never holds a web request. The number is taken inside the release transaction
and the files are signed in it, so a signing failure (wrong PIN, missing key
label, removed token, a bad PDF) rolls the number back — no number is burnt, no
gap is left — and no signed file is kept; the document is approved again with
the reason shown on its page. A worker that dies mid-signing takes its
uncommitted number with it; the lease reaper runs the job again, and a
duplicate run finds the document released and does nothing. Concurrent
releases of one document queue on its row: the second finds it released.
"""

import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.leases import lease_queue
from backoffice.core.numbering import register_number_next
from backoffice.documents.constants import Confidentiality
from backoffice.documents.services import PdfUpload
from backoffice.signatures.models import StaffSigningKey
from backoffice.signatures.official import document_sign
from backoffice.signatures.signing import SignerUnavailable
from backoffice.signatures.verification import UnreadablePdf

from .constants import (
    REGISTER,
    RELEASE_JOB,
    SERIES_CLASSIFIED,
    SERIES_ORDINARY,
    EventKind,
    FileKind,
    FileRole,
    OutgoingStatus,
)
from .files import OutgoingRejected, current_files, files_discard, files_store
from .models import OutgoingDocument, OutgoingFile
from .numbering import number_symbol_build
from .services import _audit, _facts, event_record, require

logger = logging.getLogger(__name__)


def _read(record: OutgoingFile) -> bytes:
    with record.file.open("rb") as handle:
        return handle.read()


def _signed_name(number_symbol: str, index: int | None = None) -> str:
    safe = number_symbol.replace("/", "-")
    return f"{safe}.pdf" if index is None else f"{safe}-phu-luc-{index}.pdf"


def outgoing_release(
    *, document: OutgoingDocument, actor: AbstractBaseUser
) -> OutgoingDocument:
    """Give an approved document its number, sign its files (leader + agency on
    the main file, the agency on each attachment), store them as the signed
    version, mark it released and queue its dispatch on commit — in the calling
    process (the worker's job, scripts and tests; the desk uses
    `outgoing_release_request`).

    Raises OutgoingRejected (not approved, already released, no key, signing or
    PDF failure — with the reason in Vietnamese) or PermissionDenied (not a clerk
    of the agency); nothing is changed then, apart from the failure's record.
    """
    require(actor, document.agency, Permission.KEEP_REGISTERS)
    return _release_recorded(document=document, actor=actor)


def outgoing_release_request(
    *, document: OutgoingDocument, actor: AbstractBaseUser
) -> OutgoingDocument:
    """Ask for the release of an approved document: check it can be released,
    mark it "đang ký" and queue the signing job (leased) on commit.

    Side effects: status SIGNING, an event and an audit record, a lease and an
    outbox message. Raises OutgoingRejected / PermissionDenied as
    `outgoing_release` does; nothing is changed then.
    """
    require(actor, document.agency, Permission.KEEP_REGISTERS)
    from .tasks import sign_outgoing_document

    with transaction.atomic():
        document = (
            OutgoingDocument.objects.select_for_update()
            .select_related("agency")
            .get(pk=document.pk)
        )
        if document.status == OutgoingStatus.SIGNING:
            raise OutgoingRejected(_("Văn bản đang được ký số; vui lòng chờ kết quả."))
        _ready_files(document)
        before = _facts(document)
        document.transition_to(OutgoingStatus.SIGNING)
        document.release_requested_by = actor
        document.release_error = ""
        document.save()
        event_record(document=document, kind=EventKind.RELEASE_REQUESTED, actor=actor)
        _audit(actor, "release_requested", document, before)
        lease_queue(
            kind=RELEASE_JOB,
            object_id=document.pk,
            task=sign_outgoing_document.name,
        )
    return document


def outgoing_release_sign(*, document_id: int) -> str:
    """The signing job: release a document marked "đang ký" for the clerk who
    asked. Idempotent — a document no longer signing (released, or approved
    again after a failure) is left alone. A refusal (signer, PDF, a check that
    no longer holds) puts the document back to approved with the reason.

    Returns "released", "failed" or "skipped".
    """
    document = (
        OutgoingDocument.objects.select_related("agency", "release_requested_by")
        .filter(pk=document_id)
        .first()
    )
    if document is None or document.status != OutgoingStatus.SIGNING:
        return "skipped"
    actor = document.release_requested_by
    try:
        if actor is None:
            raise PermissionDenied
        require(actor, document.agency, Permission.KEEP_REGISTERS)
        _release_recorded(document=document, actor=actor, reopen=True)
    except (OutgoingRejected, PermissionDenied) as exc:
        if isinstance(exc, OutgoingRejected):
            reason = " ".join(exc.messages)
        else:
            reason = str(exc) or _(
                "Người yêu cầu phát hành không còn quyền vào sổ văn bản đi."
            )
        # A signing failure has reopened it already; a concurrent run may have
        # released it meanwhile (then this run was only a duplicate).
        outgoing_release_reopen(document_id=document_id, reason=reason, actor=actor)
        status = (
            OutgoingDocument.objects.filter(pk=document_id)
            .values_list("status", flat=True)
            .first()
        )
        return "skipped" if status == OutgoingStatus.RELEASED else "failed"
    return "released"


def outgoing_release_reopen(
    *,
    document_id: int,
    reason: str,
    actor: AbstractBaseUser | None = None,
) -> bool:
    """Put a document still "đang ký" back to approved, keeping `reason` to show,
    with a failed-release event and audit. False when it was no longer signing."""
    with transaction.atomic():
        row = OutgoingDocument.objects.select_for_update().get(pk=document_id)
        if row.status != OutgoingStatus.SIGNING:
            return False
        row.transition_to(OutgoingStatus.APPROVED)
        row.release_error = reason
        row.save(update_fields=["status", "release_error", "updated_at"])
        event_record(
            document=row, kind=EventKind.RELEASE_FAILED, actor=actor, comment=reason
        )
        _audit(actor, "release_failed", row, None, note=reason)
    return True


def outgoing_release_give_up(document_id: int, reason: str) -> None:
    """The lease reaper gave up on a signing job (its workers kept dying)."""
    outgoing_release_reopen(
        document_id=document_id,
        reason=_("Ký số bị gián đoạn, văn bản chưa được phát hành: %(reason)s")
        % {"reason": reason},
    )


def _release_recorded(
    *, document: OutgoingDocument, actor: AbstractBaseUser, reopen: bool = False
) -> OutgoingDocument:
    stored: list[OutgoingFile] = []
    try:
        with transaction.atomic():
            released = _release(document=document, actor=actor, stored=stored)
    except (SignerUnavailable, UnreadablePdf) as exc:
        files_discard(stored)
        message = _("Không ký số được, văn bản chưa được phát hành: %(reason)s") % {
            "reason": exc
        }
        _failure_record(
            document=document,
            actor=actor,
            reason=str(exc),
            reopen_with=message if reopen else None,
        )
        raise OutgoingRejected(message) from exc
    except BaseException:
        files_discard(stored)
        raise
    return released


def _ready_files(document: OutgoingDocument) -> list[OutgoingFile]:
    """The current files of a document that may be released now (locked row);
    OutgoingRejected with the reason otherwise."""
    if document.status == OutgoingStatus.RELEASED:
        raise OutgoingRejected(
            _("Văn bản đã được phát hành với số %(number)s.")
            % {"number": document.number_symbol}
        )
    if (
        document.status not in (OutgoingStatus.APPROVED, OutgoingStatus.SIGNING)
        or document.approver_id is None
    ):
        raise OutgoingRejected(
            _("Văn bản chưa được lãnh đạo duyệt nên chưa phát hành được.")
        )
    if not StaffSigningKey.objects.filter(
        user_id=document.approver_id, is_active=True
    ).exists():
        raise OutgoingRejected(
            _("Lãnh đạo duyệt văn bản không còn chữ ký số cá nhân đang sử dụng.")
        )
    files = current_files(document)
    if not any(f.role == FileRole.MAIN for f in files):
        raise OutgoingRejected(_("Văn bản chưa có tệp chính."))
    return files


def _release(
    *, document: OutgoingDocument, actor: AbstractBaseUser, stored: list[OutgoingFile]
) -> OutgoingDocument:
    document = (
        OutgoingDocument.objects.select_for_update()
        .select_related("agency")
        .get(pk=document.pk)
    )
    files = _ready_files(document)
    leader_key = (
        StaffSigningKey.objects.filter(user_id=document.approver_id, is_active=True)
        .select_related("user")
        .first()
    )
    main = next(f for f in files if f.role == FileRole.MAIN)
    attachments = [f for f in files if f.role == FileRole.ATTACHMENT]
    before = _facts(document)
    now = timezone.now()
    year = timezone.localtime(now).year
    series = (
        SERIES_ORDINARY
        if document.confidentiality == Confidentiality.NORMAL
        else SERIES_CLASSIFIED
    )
    # Last step before the slow part: the counter row stays locked to commit.
    number = register_number_next(
        agency=document.agency, register=REGISTER, year=year, series=series
    )
    number_symbol = number_symbol_build(
        number=number,
        year=year,
        document_type=document.document_type,
        is_legal=document.is_legal,
        issuer_symbol=document.issuer_symbol,
        unit_symbol=document.drafting_unit_symbol,
    )
    signed = document_sign(
        main=_read(main),
        attachments=[_read(f) for f in attachments],
        leader_key=leader_key,
        agency=document.agency,
        number_symbol=number_symbol,
    )
    uploads = [(FileRole.MAIN, PdfUpload(_signed_name(number_symbol), signed.main))]
    uploads += [
        (FileRole.ATTACHMENT, PdfUpload(_signed_name(number_symbol, i), content))
        for i, content in enumerate(signed.attachments, start=1)
    ]
    files_store(
        document=document,
        uploads=uploads,
        kind=FileKind.SIGNED,
        actor=actor,
        stored=stored,
    )
    document.transition_to(OutgoingStatus.RELEASED)
    document.number, document.year, document.series = number, year, series
    document.number_symbol = number_symbol
    document.released_at, document.released_by = signed.signed_at, actor
    document.pages = main.pages
    document.release_error = ""
    document.save()
    event_record(
        document=document,
        kind=EventKind.RELEASED,
        actor=actor,
        comment=number_symbol,
    )
    _audit(actor, "released", document, before, note=number_symbol)
    from .dispatch import dispatch_queue, reply_close

    dispatch_queue(document=document)
    reply_close(document=document, actor=actor)
    return document


def _failure_record(
    *,
    document: OutgoingDocument,
    actor: AbstractBaseUser,
    reason: str,
    reopen_with: str | None = None,
) -> None:
    """Keep the failed attempt in the history (the release itself rolled back);
    with `reopen_with`, a document "đang ký" is approved again with that reason."""
    try:
        with transaction.atomic():
            row = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
            event_record(
                document=row,
                kind=EventKind.RELEASE_FAILED,
                actor=actor,
                comment=reason,
            )
            _audit(actor, "release_failed", row, None, note=reason)
            if reopen_with is not None and row.status == OutgoingStatus.SIGNING:
                row.transition_to(OutgoingStatus.APPROVED)
                row.release_error = reopen_with
                row.save(update_fields=["status", "release_error", "updated_at"])
    except PermissionDenied:  # pragma: no cover - the release checked it already
        logger.warning("Could not record the failed release of %s", document.pk)
