"""Writes of outgoing documents before release: draft, update, submit, approve,
return, cancel, and the Art. 9 paper-copy override.

Every write checks the actor's role in the issuing agency, moves the status
through the model's table, appends an event (history) and an audit record.
Release, signing and numbering are in release.py; dispatch in dispatch.py.
"""

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission, Role
from backoffice.core.models import Agency, Membership
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record, snapshot
from backoffice.documents.constants import (
    DECREE_30_DOCUMENT_TYPES,
    LEGAL_DOCUMENT_TYPES,
    Confidentiality,
    Urgency,
)
from backoffice.documents.services import PdfUpload
from backoffice.signatures.models import StaffSigningKey

from .channels import agency_channel
from .constants import (
    EDITABLE,
    Channel,
    EventKind,
    FileKind,
    OutgoingStatus,
)
from .files import (
    OutgoingRejected,
    checked_uploads,
    files_discard,
    files_store,
)
from .models import OutgoingDocument, OutgoingEvent, OutgoingFile, OutgoingRecipient
from .numbering import number_symbol_build


@dataclass
class DraftInput:
    """What a specialist fills in (a form, a script or the demo)."""

    document_type: str
    subject: str
    issuer_symbol: str
    drafting_unit: str = ""
    drafting_unit_symbol: str = ""
    field: str = ""
    urgency: str = Urgency.NORMAL
    confidentiality: str = Confidentiality.NORMAL
    is_legal: bool = False
    deadline: dt.date | None = None
    copies: int = 1
    file_copy_holder: str = ""
    notes: str = ""
    is_public: bool = False
    keep_on_paper: bool = False
    recipient_agencies: Sequence[Agency] = ()
    recipient_emails: Sequence[str] = ()
    paper_recipients: Sequence[str] = ()
    reply_to: Any = None  # an IncomingDocument of the same agency


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _facts(document: OutgoingDocument) -> dict[str, Any]:
    return snapshot(document)


def event_record(
    *,
    document: OutgoingDocument,
    kind: str,
    actor: AbstractBaseUser | None,
    comment: str = "",
) -> OutgoingEvent:
    """Append one step to the document's history."""
    return OutgoingEvent.objects.create(
        document=document,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        status=document.status,
        version=document.file_version,
        comment=comment,
    )


def _audit(
    actor: AbstractBaseUser | None,
    action: str,
    document: OutgoingDocument,
    before: dict[str, Any] | None,
    note: str = "",
) -> None:
    audit_record(
        actor=actor,
        action=f"outgoingdocument.{action}",
        obj=document,
        before=before,
        after=_facts(document),
        agency=document.agency,
        note=note,
    )


def require(actor: AbstractBaseUser | None, agency: Agency, permission: str) -> None:
    """PermissionDenied unless the actor holds `permission` in `agency`."""
    if actor is None or permission not in user_permissions(user=actor, agency=agency):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này với văn bản đi.")
        )


def is_leader_of(user: AbstractBaseUser, agency: Agency) -> bool:
    """A leader of this very agency (a leader above it is of another agency)."""
    return Membership.objects.filter(
        user_id=user.pk, agency=agency, role=Role.LEADER
    ).exists()


def _input_check(agency: Agency, data: DraftInput) -> DraftInput:
    errors: dict[str, str] = {}
    data.subject = _clean(data.subject)
    data.issuer_symbol = _clean(data.issuer_symbol)
    data.drafting_unit_symbol = _clean(data.drafting_unit_symbol)
    data.drafting_unit, data.field = _clean(data.drafting_unit), _clean(data.field)
    if data.document_type not in DECREE_30_DOCUMENT_TYPES:
        errors["document_type"] = _("Loại văn bản không có trong danh mục.")
    if data.is_legal and data.document_type not in LEGAL_DOCUMENT_TYPES:
        errors["is_legal"] = _(
            "Loại văn bản này không phải văn bản quy phạm pháp luật."
        )
    if not data.subject:
        errors["subject"] = _("Hãy nhập trích yếu nội dung văn bản.")
    if data.urgency not in Urgency.values:
        errors["urgency"] = _("Độ khẩn không hợp lệ.")
    if data.confidentiality not in Confidentiality.values:
        errors["confidentiality"] = _("Độ mật không hợp lệ.")
    if data.copies < 1:
        errors["copies"] = _("Số lượng bản phải từ 1 trở lên.")
    if "document_type" not in errors:
        try:
            number_symbol_build(
                number=1,
                year=timezone.localdate().year,
                document_type=data.document_type,
                is_legal=data.is_legal,
                issuer_symbol=data.issuer_symbol,
                unit_symbol=data.drafting_unit_symbol,
            )
        except ValueError as exc:
            errors["issuer_symbol"] = str(exc)
    secret = data.confidentiality != Confidentiality.NORMAL
    if secret and data.is_public:
        errors["is_public"] = _("Văn bản mật không được công bố trên Cổng.")
    if secret and (data.recipient_agencies or data.recipient_emails):
        errors["recipients"] = _(
            "Văn bản mật không được gửi qua mạng; chỉ ghi nơi nhận bản giấy."
        )
    emails = []
    for address in data.recipient_emails:
        address = address.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            errors["recipients"] = _(
                "Địa chỉ thư điện tử “%(email)s” không hợp lệ."
            ) % {"email": address}
        emails.append(address.lower())
    data.recipient_emails = list(dict.fromkeys(emails))
    data.paper_recipients = [
        name for name in (_clean(n) for n in data.paper_recipients) if name
    ]
    for target in data.recipient_agencies:
        current = target.current()
        if not current.is_active:
            errors["recipients"] = _(
                "Cơ quan nhận “%(name)s” không còn hoạt động và không có đơn vị "
                "thay thế."
            ) % {"name": target.name}
    if not (data.recipient_agencies or data.recipient_emails or data.paper_recipients):
        errors["recipients"] = _("Hãy chọn ít nhất một nơi nhận.")
    if data.reply_to is not None and data.reply_to.agency_id != agency.pk:
        errors["reply_to"] = _("Chỉ trả lời được văn bản đến của chính cơ quan.")
    if errors:
        raise OutgoingRejected(errors)
    return data


def _recipients_set(document: OutgoingDocument, data: DraftInput) -> None:
    document.recipients.all().delete()
    for target in dict.fromkeys(data.recipient_agencies):
        OutgoingRecipient.objects.create(
            document=document,
            agency=target,
            name=target.name,
            channel=agency_channel(target),
        )
    for address in data.recipient_emails:
        OutgoingRecipient.objects.create(
            document=document, email=address, channel=Channel.EMAIL
        )
    for name in data.paper_recipients:
        OutgoingRecipient.objects.create(
            document=document, name=name[:255], channel=Channel.PAPER
        )


def _apply(document: OutgoingDocument, data: DraftInput) -> None:
    for name in (
        "document_type",
        "subject",
        "issuer_symbol",
        "drafting_unit",
        "drafting_unit_symbol",
        "field",
        "urgency",
        "confidentiality",
        "is_legal",
        "deadline",
        "copies",
        "file_copy_holder",
        "notes",
        "is_public",
        "keep_on_paper",
        "reply_to",
    ):
        setattr(document, name, getattr(data, name))


def outgoing_draft_create(
    *,
    agency: Agency,
    actor: AbstractBaseUser,
    data: DraftInput,
    main: PdfUpload,
    attachments: Sequence[PdfUpload] = (),
) -> OutgoingDocument:
    """Create a draft with its first file version. OutgoingRejected (nothing
    stored) for bad metadata, recipients or files; PermissionDenied unless the
    actor processes documents in `agency`. Audited."""
    require(actor, agency, Permission.PROCESS_DOSSIERS)
    data = _input_check(agency, data)
    uploads = checked_uploads(main, attachments)
    stored: list[OutgoingFile] = []
    try:
        with transaction.atomic():
            document = OutgoingDocument(agency=agency, created_by=actor)
            _apply(document, data)
            document.save()
            _recipients_set(document, data)
            files_store(
                document=document,
                uploads=uploads,
                kind=FileKind.DRAFT,
                actor=actor,
                stored=stored,
            )
            document.save()
            event_record(document=document, kind=EventKind.CREATED, actor=actor)
            _audit(actor, "created", document, None)
    except BaseException:
        files_discard(stored)
        raise
    return document


def outgoing_draft_update(
    *,
    document: OutgoingDocument,
    actor: AbstractBaseUser,
    data: DraftInput,
    main: PdfUpload | None = None,
    attachments: Sequence[PdfUpload] | None = None,
    comment: str = "",
) -> OutgoingDocument:
    """Change a draft (or a returned one). New files make a new version; the
    old versions stay. OutgoingRejected / PermissionDenied as for create."""
    require(actor, document.agency, Permission.PROCESS_DOSSIERS)
    data = _input_check(document.agency, data)
    uploads = None
    if main is not None:
        uploads = checked_uploads(main, attachments or ())
    stored: list[OutgoingFile] = []
    try:
        with transaction.atomic():
            document = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
            if document.status not in EDITABLE:
                raise OutgoingRejected(
                    _("Chỉ sửa được dự thảo hoặc văn bản bị trả lại.")
                )
            before = _facts(document)
            _apply(document, data)
            if uploads is not None:
                files_store(
                    document=document,
                    uploads=uploads,
                    kind=FileKind.DRAFT,
                    actor=actor,
                    stored=stored,
                )
            document.save()
            _recipients_set(document, data)
            event_record(
                document=document, kind=EventKind.UPDATED, actor=actor, comment=comment
            )
            _audit(actor, "updated", document, before)
    except BaseException:
        files_discard(stored)
        raise
    return document


@transaction.atomic
def _move(
    *,
    document: OutgoingDocument,
    actor: AbstractBaseUser,
    to: str,
    kind: str,
    comment: str = "",
    check: Any = None,
) -> OutgoingDocument:
    document = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    if check is not None:
        check(document)
    before = _facts(document)
    try:
        document.transition_to(to)
    except ValidationError as exc:
        raise OutgoingRejected(exc.messages) from exc
    if to == OutgoingStatus.APPROVED:
        document.approver = actor
        document.approved_at = timezone.now()
        key = StaffSigningKey.objects.get(user=actor)
        document.signer_name = actor.get_full_name() or actor.get_username()
        document.signer_position = key.position or _("Lãnh đạo")
    document.save()
    event_record(document=document, kind=kind, actor=actor, comment=comment)
    _audit(actor, kind, document, before, note=comment)
    return document


def outgoing_submit(
    *, document: OutgoingDocument, actor: AbstractBaseUser, comment: str = ""
) -> OutgoingDocument:
    """The specialist submits the draft to the leaders (chờ duyệt)."""
    require(actor, document.agency, Permission.PROCESS_DOSSIERS)
    return _move(
        document=document,
        actor=actor,
        to=OutgoingStatus.SUBMITTED,
        kind=EventKind.SUBMITTED,
        comment=_clean(comment),
    )


def _leader_check(actor: AbstractBaseUser, document: OutgoingDocument) -> None:
    if not is_leader_of(actor, document.agency):
        raise PermissionDenied(
            _("Chỉ lãnh đạo của %(agency)s được duyệt văn bản này.")
            % {"agency": document.agency.name}
        )


def outgoing_approve(
    *, document: OutgoingDocument, actor: AbstractBaseUser, comment: str = ""
) -> OutgoingDocument:
    """A leader of the issuing agency approves; they will be the signer, so they
    need an active personal signing key. PermissionDenied for anyone else."""
    _leader_check(actor, document)
    if not StaffSigningKey.objects.filter(user_id=actor.pk, is_active=True).exists():
        raise OutgoingRejected(
            _(
                "Bạn chưa có chữ ký số cá nhân đang sử dụng; hãy nhờ quản trị khai "
                "báo khóa ký (tệp PKCS#12 hoặc thiết bị ký số) trước khi duyệt."
            )
        )
    return _move(
        document=document,
        actor=actor,
        to=OutgoingStatus.APPROVED,
        kind=EventKind.APPROVED,
        comment=_clean(comment),
    )


def outgoing_return(
    *, document: OutgoingDocument, actor: AbstractBaseUser, comment: str
) -> OutgoingDocument:
    """A leader returns the draft to be corrected, with comments (required)."""
    _leader_check(actor, document)
    comment = (comment or "").strip()
    if not comment:
        raise OutgoingRejected({"comment": _("Hãy ghi ý kiến khi trả lại văn bản.")})
    return _move(
        document=document,
        actor=actor,
        to=OutgoingStatus.RETURNED,
        kind=EventKind.RETURNED,
        comment=comment,
    )


def outgoing_cancel(
    *, document: OutgoingDocument, actor: AbstractBaseUser, reason: str
) -> OutgoingDocument:
    """Cancel a draft (its drafter's unit), or recall a released document (the
    clerk); a recalled document keeps its number, so the register has no gap."""
    reason = (reason or "").strip()
    if not reason:
        raise OutgoingRejected({"reason": _("Hãy ghi lý do hủy, thu hồi.")})
    permission = (
        Permission.KEEP_REGISTERS
        if document.status == OutgoingStatus.RELEASED
        else Permission.PROCESS_DOSSIERS
    )
    require(actor, document.agency, permission)

    def note(row: OutgoingDocument) -> None:
        row.cancel_reason = reason[:500]

    return _move(
        document=document,
        actor=actor,
        to=OutgoingStatus.CANCELLED,
        kind=EventKind.CANCELLED,
        comment=reason,
        check=note,
    )


@transaction.atomic
def outgoing_paper_override(
    *,
    document: OutgoingDocument,
    actor: AbstractBaseUser,
    required: bool | None,
    reason: str,
) -> OutgoingDocument:
    """Override the computed Art. 9 paper-copy flag (None: back to computed);
    a reason is required for an override. The clerk's call."""
    require(actor, document.agency, Permission.KEEP_REGISTERS)
    reason = _clean(reason)
    if required is not None and not reason:
        raise OutgoingRejected(
            {"reason": _("Hãy ghi lý do điều chỉnh yêu cầu gửi bản giấy.")}
        )
    document = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
    before = _facts(document)
    document.paper_override = required
    document.paper_override_reason = reason[:500] if required is not None else ""
    document.save()
    event_record(
        document=document,
        kind=EventKind.PAPER_OVERRIDDEN,
        actor=actor,
        comment=reason,
    )
    _audit(actor, "paper_overridden", document, before, note=reason)
    return document
