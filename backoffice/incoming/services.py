"""Writes of incoming documents: receive, check, register, refuse.

Every channel (desk upload, official e-mail, .eml import, internal dispatch, edXML)
ends in `incoming_receive`. Each write is atomic, audited, records an
`IncomingEvent` and tells the channel on commit (notify.py). Routing (assign,
processing, done, overdue) is in routing.py.
"""

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.numbering import register_number_next
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record
from backoffice.core.workcalendar import WorkingCalendar

from .checking import _verdict_fill
from .checking import incoming_check as incoming_check  # re-exported: one entry
from .checks import (
    FileFacts,
    IncomingRejected,
    file_read,
    first_page_guess,
    secret_marking,
)
from .constants import (
    NOTIFIED_EVENTS,
    REGISTER,
    Confidentiality,
    IncomingEventKind,
    IncomingStatus,
    VerdictKind,
    Via,
)
from .fields import issuer_fold, register_fields_clean, symbol_key
from .models import IncomingDocument, IncomingEvent, IncomingFile, IncomingMail
from .types import ReceivedFile

SECRET_REASON = gettext_noop(
    "Văn bản mang dấu chỉ độ mật (%(mark)s): văn bản mật không được gửi, nhận "
    "qua môi trường điện tử (Điều 1.2 Quyết định 15/2016/QĐ-UBND)."
)


def _facts(document: IncomingDocument) -> dict[str, Any]:
    return {
        "status": document.status,
        "via": document.via,
        "incoming_number": document.incoming_number,
        "year": document.year,
        "verdict": document.verdict,
        "number_symbol": document.number_symbol,
        "issuer_name": document.issuer_name,
        "subject": document.subject[:200],
        "received_at": document.received_at.isoformat(),
    }


def event_record(
    *,
    document: IncomingDocument,
    kind: str,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> IncomingEvent:
    """Append an event; channels hear about the notified kinds after commit."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    event = IncomingEvent.objects.create(
        document=document, kind=kind, actor=actor, reason=reason
    )
    if kind in NOTIFIED_EVENTS:
        from .tasks import notify_incoming_event

        notify_incoming_event.delay_on_commit(event.pk)
    return event


def step_record(
    *,
    document: IncomingDocument,
    actor: AbstractBaseUser | None,
    action: str,
    kind: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> IncomingEvent:
    """One step of a document, recorded the one way: its audit record
    (`incomingdocument.<action>`, the reason as note) and its event."""
    audit_record(
        actor=actor,
        action=f"incomingdocument.{action}",
        obj=document,
        before=before,
        after=_facts(document) if after is None else after,
        agency=document.agency,
        note=reason,
    )
    return event_record(document=document, kind=kind, actor=actor, reason=reason)


def _require(actor: AbstractBaseUser | None, agency: Agency, permission: str) -> None:
    """Scripts and the worker act as the system (actor None); people need the role."""
    if actor is None:
        return
    if permission not in user_permissions(user=actor, agency=agency):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def duplicate_find(
    *,
    agency: Agency,
    issuer_name: str,
    number_symbol: str,
    exclude_id: int | None = None,
) -> IncomingDocument | None:
    """The registered document of this agency with the same issuer and
    number-symbol (folded), oldest first; None when there is none."""
    key = symbol_key(number_symbol)
    if not key:
        return None
    issuer = issuer_fold(issuer_name)
    candidates = IncomingDocument.objects.filter(
        agency=agency, number_symbol_key=key, incoming_number__isnull=False
    ).exclude(pk=exclude_id)
    for candidate in candidates.order_by("received_at", "pk"):
        if not issuer or not candidate.issuer_name:
            return candidate
        if issuer_fold(candidate.issuer_name) == issuer:
            return candidate
    return None


def _store_file(
    *,
    document: IncomingDocument,
    received: ReceivedFile,
    facts: FileFacts,
    position: int,
    keep_content: bool,
) -> IncomingFile:
    sha256 = hashlib.sha256(received.content).hexdigest()
    record = IncomingFile(
        document=document,
        position=position,
        is_main=position == 0,
        original_name=facts.name,
        media_type=facts.media_type,
        size=facts.size,
        sha256=sha256,
        pages=facts.pages,
    )
    if facts.pages == 1 and facts.first_page_text.strip():
        # Page 1 is the whole text layer: the check need not read it again.
        record.text, record.text_source = facts.first_page_text.strip(), "layer"
    if keep_content:
        record.file = ContentFile(received.content, name=facts.name)
    record.save()
    return record


def incoming_receive(
    *,
    agency: Agency,
    main: ReceivedFile,
    attachments: Sequence[ReceivedFile] = (),
    via: str,
    sender: str = "",
    delivered_by: str = "",
    actor: AbstractBaseUser | None = None,
    metadata: Mapping[str, Any] | None = None,
    source_ref: str = "",
    now: dt.datetime | None = None,
    mail: IncomingMail | None = None,
) -> IncomingDocument:
    """Receive one document (main PDF + attachments) into `agency`'s desk.

    Checks every file first (IncomingRejected, nothing stored, for an empty,
    oversized, corrupt, encrypted or non-PDF main file, or bad metadata); fixes the
    receiving moment by Art. 12.2; flags a duplicate of a registered (issuer,
    number-symbol); refuses a document marked secret (files not kept). Stores the
    originals with their SHA-256, an event and an audit record; on commit queues
    the signature and text check and tells the channel. Idempotent per (agency,
    via, source_ref): the same reference returns the document already stored.
    """
    if via not in Via.values:
        raise IncomingRejected(_("Kênh nhận “%(via)s” không hợp lệ.") % {"via": via})
    if not agency.is_active:
        raise IncomingRejected(
            _("Cơ quan %(code)s không còn hoạt động.") % {"code": agency.code}
        )
    source_ref = (source_ref or "").strip()[:998]
    if source_ref:
        existing = IncomingDocument.objects.filter(
            agency=agency, via=via, source_ref=source_ref
        ).first()
        if existing is not None:
            return existing
    _require(actor, agency, Permission.KEEP_REGISTERS)
    fields = register_fields_clean(dict(metadata or {}))
    main_facts = file_read(name=main.name, content=main.content, require_pdf=True)
    attachment_facts = [
        file_read(name=f.name, content=f.content, require_pdf=False)
        for f in attachments
    ]
    for key, value in first_page_guess(main_facts.first_page_text).items():
        fields.setdefault(key, value)
    mark = secret_marking(
        text=main_facts.first_page_text,
        subject=str(fields.get("subject", "")),
        declared=fields.get("confidentiality", ""),
    )
    delivered_at = now or timezone.now()
    received_at = WorkingCalendar(agency=agency).effective_start(delivered_at)
    fields.setdefault("page_count", main_facts.pages)
    fields["confidentiality"] = mark
    document = IncomingDocument(
        agency=agency,
        via=via,
        source_ref=source_ref,
        sender=sender.strip()[:320],
        delivered_by=delivered_by.strip()[:200],
        mail=mail,
        delivered_at=delivered_at,
        received_at=received_at,
        year=received_at.year,
        **fields,
    )
    document.number_symbol_key = symbol_key(document.number_symbol)
    duplicate = duplicate_find(
        agency=agency,
        issuer_name=document.issuer_name,
        number_symbol=document.number_symbol,
    )
    document.duplicate_of = duplicate
    secret = mark != Confidentiality.NORMAL
    try:
        with transaction.atomic():
            if secret:
                document.status = IncomingStatus.REFUSED
                document.refusal_reason = _(SECRET_REASON) % {
                    "mark": Confidentiality(mark).label
                }
                # The check runs now: the files are not kept for the worker.
                _verdict_fill(document, main.content)
            document.save()
            _store_file(
                document=document,
                received=main,
                facts=main_facts,
                position=0,
                keep_content=not secret,
            )
            for position, (received, facts) in enumerate(
                zip(attachments, attachment_facts, strict=True), start=1
            ):
                _store_file(
                    document=document,
                    received=received,
                    facts=facts,
                    position=position,
                    keep_content=not secret,
                )
            audit_record(
                actor=actor,
                action="incomingdocument.received",
                obj=document,
                after=_facts(document),
                agency=agency,
                note=f"{via} {sender or delivered_by}".strip(),
            )
            event_record(
                document=document, kind=IncomingEventKind.RECEIVED, actor=actor
            )
            if secret:
                step_record(
                    document=document,
                    actor=actor,
                    action="refused",
                    kind=IncomingEventKind.REFUSED,
                    reason=document.refusal_reason,
                )
            else:
                from .tasks import check_incoming_document

                check_incoming_document.delay_on_commit(document.pk)
    except IntegrityError:
        # Another process stored the same reference a moment ago.
        existing = IncomingDocument.objects.filter(
            agency=agency, via=via, source_ref=source_ref
        ).first()
        if source_ref and existing is not None:
            return existing
        raise
    return document


@transaction.atomic
def incoming_register(
    *,
    document: IncomingDocument,
    actor: AbstractBaseUser | None,
    fields: Mapping[str, Any] | None = None,
    override_reason: str = "",
) -> IncomingDocument:
    """Vào sổ: confirm the register fields and take the next incoming number.

    Refused (ValidationError, nothing changed) before the signature check is done,
    and for an `invalid` verdict unless `override_reason` says why (audited).
    The number is gap-free per agency and year, taken under the counter's lock
    as the last step.
    """
    _require(actor, document.agency, Permission.KEEP_REGISTERS)
    document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
    before = _facts(document)
    cleaned = register_fields_clean(dict(fields or {}))
    override_reason = override_reason.strip()
    if document.status != IncomingStatus.RECEIVED:
        document.transition_to(IncomingStatus.REGISTERED)  # raises the clear error
    if not document.verdict:
        raise IncomingRejected(
            _("Chưa kiểm tra xong chữ ký số của văn bản; vui lòng chờ giây lát.")
        )
    if document.verdict == VerdictKind.INVALID and not override_reason:
        raise IncomingRejected(
            _(
                "Chữ ký số không hợp lệ (%(reason)s): hãy từ chối văn bản, hoặc "
                "nêu lý do vẫn vào sổ."
            )
            % {"reason": document.verdict_reason or _("không rõ")}
        )
    for key, value in cleaned.items():
        setattr(document, key, value)
    if document.is_secret:
        raise IncomingRejected(
            _(SECRET_REASON) % {"mark": Confidentiality(document.confidentiality).label}
        )
    document.number_symbol_key = symbol_key(document.number_symbol)
    document.duplicate_of = duplicate_find(
        agency=document.agency,
        issuer_name=document.issuer_name,
        number_symbol=document.number_symbol,
        exclude_id=document.pk,
    )
    document.transition_to(IncomingStatus.REGISTERED)
    if document.verdict == VerdictKind.INVALID:
        document.override_reason = override_reason
    document.registered_at = timezone.now()
    document.registered_by = actor if actor and actor.is_authenticated else None
    document.incoming_number = register_number_next(
        agency=document.agency, register=REGISTER, year=document.year
    )
    document.save()
    audit_record(
        actor=actor,
        action="incomingdocument.registered",
        obj=document,
        before=before,
        after=_facts(document),
        agency=document.agency,
        note=override_reason,
    )
    if document.override_reason:
        event_record(
            document=document,
            kind=IncomingEventKind.OVERRIDDEN,
            actor=actor,
            reason=override_reason,
        )
    event_record(document=document, kind=IncomingEventKind.REGISTERED, actor=actor)
    return document


@transaction.atomic
def incoming_refuse(
    *, document: IncomingDocument, actor: AbstractBaseUser | None, reason: str
) -> IncomingDocument:
    """Từ chối tiếp nhận (Art. 4.1.c): record the reason and tell the sender."""
    _require(actor, document.agency, Permission.KEEP_REGISTERS)
    reason = " ".join(reason.split())
    if not reason:
        raise IncomingRejected(_("Vui lòng nêu lý do từ chối."))
    document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
    before = _facts(document)
    document.transition_to(IncomingStatus.REFUSED)
    document.refusal_reason = reason[:2000]
    document.save()
    step_record(
        document=document,
        actor=actor,
        action="refused",
        kind=IncomingEventKind.REFUSED,
        before=before,
        reason=document.refusal_reason,
    )
    return document


def incoming_auto_decide(*, document: IncomingDocument) -> IncomingDocument:
    """Register what needs no clerk's decision: `valid` → registered, `invalid`
    → refused with the failed check as reason, the rest stays for the clerk."""
    if document.status != IncomingStatus.RECEIVED or not document.verdict:
        return document
    if document.verdict == VerdictKind.VALID:
        return incoming_register(document=document, actor=None)
    if document.verdict == VerdictKind.INVALID:
        reason = _("Chữ ký số không hợp lệ: %(reason)s") % {
            "reason": document.verdict_reason or _("không kiểm tra được chữ ký")
        }
        return incoming_refuse(document=document, actor=None, reason=reason)
    return document
