"""Release (phát hành): number, sign and record an approved document, all or
nothing, then queue its dispatch and close the incoming document it answers.

The number is taken inside the release transaction and the files are signed in
it, so a signing failure (wrong PIN, missing key label, removed token, a bad
PDF) rolls the number back — no number is burnt, no gap is left — and no signed
file is kept. The failure is then recorded on its own (event + audit).
Concurrent releases of one document queue on its row: the second finds it
released and is refused.
"""

import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.numbering import register_number_next
from backoffice.documents.constants import Confidentiality
from backoffice.documents.services import PdfUpload
from backoffice.signatures.models import StaffSigningKey
from backoffice.signatures.official import document_sign
from backoffice.signatures.signing import SignerUnavailable
from backoffice.signatures.verification import UnreadablePdf

from .constants import (
    REGISTER,
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
    version, mark it released and queue its dispatch on commit.

    Raises OutgoingRejected (not approved, already released, no key, signing or
    PDF failure — with the reason in Vietnamese) or PermissionDenied (not a clerk
    of the agency); nothing is changed then, apart from the failure's record.
    """
    require(actor, document.agency, Permission.KEEP_REGISTERS)
    stored: list[OutgoingFile] = []
    try:
        with transaction.atomic():
            released = _release(document=document, actor=actor, stored=stored)
    except (SignerUnavailable, UnreadablePdf) as exc:
        files_discard(stored)
        _failure_record(document=document, actor=actor, reason=str(exc))
        raise OutgoingRejected(
            _("Không ký số được, văn bản chưa được phát hành: %(reason)s")
            % {"reason": exc}
        ) from exc
    except BaseException:
        files_discard(stored)
        raise
    return released


def _release(
    *, document: OutgoingDocument, actor: AbstractBaseUser, stored: list[OutgoingFile]
) -> OutgoingDocument:
    document = (
        OutgoingDocument.objects.select_for_update()
        .select_related("agency")
        .get(pk=document.pk)
    )
    if document.status == OutgoingStatus.RELEASED:
        raise OutgoingRejected(
            _("Văn bản đã được phát hành với số %(number)s.")
            % {"number": document.number_symbol}
        )
    if document.status != OutgoingStatus.APPROVED or document.approver_id is None:
        raise OutgoingRejected(
            _("Văn bản chưa được lãnh đạo duyệt nên chưa phát hành được.")
        )
    leader_key = (
        StaffSigningKey.objects.filter(user_id=document.approver_id, is_active=True)
        .select_related("user")
        .first()
    )
    if leader_key is None:
        raise OutgoingRejected(
            _("Lãnh đạo duyệt văn bản không còn chữ ký số cá nhân đang sử dụng.")
        )
    files = current_files(document)
    main = next((f for f in files if f.role == FileRole.MAIN), None)
    if main is None:
        raise OutgoingRejected(_("Văn bản chưa có tệp chính."))
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
    *, document: OutgoingDocument, actor: AbstractBaseUser, reason: str
) -> None:
    """Keep the failed attempt in the history (the release itself rolled back)."""
    try:
        with transaction.atomic():
            row = OutgoingDocument.objects.get(pk=document.pk)
            event_record(
                document=row,
                kind=EventKind.RELEASE_FAILED,
                actor=actor,
                comment=reason,
            )
            _audit(actor, "release_failed", row, None, note=reason)
    except PermissionDenied:  # pragma: no cover - the release checked it already
        logger.warning("Could not record the failed release of %s", document.pk)
