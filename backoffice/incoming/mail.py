"""Official e-mail intake (Art. 10.2): parse a message, store it once, receive
every PDF attachment as one incoming document.

The mail record is unique per agency and Message-ID (a message without one gets
a stable id from its bytes), so a mailbox polled twice or an .eml imported twice
stores it once. Attachments that are not PDFs, or PDFs that cannot be received
(corrupt, encrypted, oversized), are listed on the mail record with the reason and
are not registered.
"""

import datetime as dt
import email
import email.policy
import hashlib
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage as ParsedMessage
from email.utils import getaddresses, parsedate_to_datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.services import audit_record

from .checks import IncomingRejected, clean_name, is_pdf_name
from .constants import Via
from .models import IncomingDocument, IncomingMail
from .services import incoming_receive
from .types import ReceivedFile


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    sender: str
    subject: str
    sent_at: dt.datetime | None
    attachments: list[ReceivedFile]


@dataclass
class MailIntake:
    """What became of one message."""

    mail: IncomingMail
    documents: list[IncomingDocument] = field(default_factory=list)
    created: bool = True
    problems: list[str] = field(default_factory=list)


def max_mail_bytes() -> int:
    return int(getattr(settings, "INCOMING_MAX_MAIL_BYTES", 60 * 1024 * 1024))


def mail_parse(raw: bytes) -> ParsedMail:
    """Headers and attachments of an RFC 5322 message; IncomingRejected when the
    bytes are not a mail (no sender) or too large."""
    if len(raw) > max_mail_bytes():
        raise IncomingRejected(_("Thư điện tử quá lớn, không tiếp nhận được."))
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        sender_header = str(message.get("From", "") or "")
        subject = str(message.get("Subject", "") or "")
        message_id = str(message.get("Message-ID", "") or "").strip()
        date_header = message.get("Date")
    except (ValueError, TypeError, IndexError, LookupError) as exc:
        raise IncomingRejected(
            _("Không đọc được thư điện tử: %(error)s") % {"error": exc}
        ) from exc
    addresses = [address for _name, address in getaddresses([sender_header]) if address]
    if not addresses or "@" not in addresses[0]:
        raise IncomingRejected(
            _("Tệp không phải thư điện tử hợp lệ (không có địa chỉ người gửi).")
        )
    if not message_id:
        message_id = f"<{hashlib.sha256(raw).hexdigest()}@motcua.invalid>"
    sent_at = None
    if date_header:
        try:
            sent_at = parsedate_to_datetime(str(date_header))
            if timezone.is_naive(sent_at):
                sent_at = timezone.make_aware(sent_at, dt.UTC)
        except (TypeError, ValueError, IndexError):
            sent_at = None
    attachments = []
    assert isinstance(message, ParsedMessage)  # noqa: S101 — policy.default
    for part in message.iter_attachments():
        name = part.get_filename() or ""
        try:
            content = part.get_content()
        except (LookupError, ValueError, AssertionError):
            content = part.get_payload(decode=True) or b""
        if isinstance(content, str):
            content = content.encode()
        if not isinstance(content, bytes):  # an attached message: keep its bytes
            content = bytes(part.get_payload(decode=True) or b"")
        if not name:
            extension = ".pdf" if part.get_content_type() == "application/pdf" else ""
            name = f"dinh-kem-{len(attachments) + 1}{extension}"
        attachments.append(ReceivedFile(name=clean_name(name), content=content))
    return ParsedMail(
        message_id=message_id[:998],
        sender=addresses[0].strip().lower()[:320],
        subject=unicodedata.normalize("NFC", " ".join(subject.split()))[:998],
        sent_at=sent_at,
        attachments=attachments,
    )


def incoming_mail_receive(
    *,
    agency: Agency,
    raw: bytes,
    actor: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> MailIntake:
    """Store one message and receive each PDF attachment as a document.

    Raises IncomingRejected (nothing stored) for bytes that are not a mail. A mail
    already stored returns its record and documents (created=False).
    """
    parsed = mail_parse(raw)
    existing = IncomingMail.objects.filter(
        agency=agency, message_id=parsed.message_id
    ).first()
    if existing is not None:
        return MailIntake(
            mail=existing,
            documents=list(existing.documents.order_by("pk")),
            created=False,
        )
    try:
        with transaction.atomic():
            return _store(agency=agency, parsed=parsed, actor=actor, now=now)
    except IntegrityError:
        existing = IncomingMail.objects.filter(
            agency=agency, message_id=parsed.message_id
        ).first()
        if existing is None:
            raise
        return MailIntake(
            mail=existing,
            documents=list(existing.documents.order_by("pk")),
            created=False,
        )


def _store(
    *,
    agency: Agency,
    parsed: ParsedMail,
    actor: AbstractBaseUser | None,
    now: dt.datetime | None,
) -> MailIntake:
    mail = IncomingMail.objects.create(
        agency=agency,
        message_id=parsed.message_id,
        sender=parsed.sender,
        subject=parsed.subject,
        sent_at=parsed.sent_at,
        received_at=now or timezone.now(),
    )
    intake = MailIntake(mail=mail)
    listing = []
    for index, attachment in enumerate(parsed.attachments, start=1):
        entry = {
            "name": attachment.name,
            "size": len(attachment.content),
            "sha256": hashlib.sha256(attachment.content).hexdigest(),
            "accepted": False,
            "reason": "",
        }
        if not (is_pdf_name(attachment.name) or attachment.content[:5] == b"%PDF-"):
            entry["reason"] = _("Không phải tệp PDF: lưu kèm thư, không vào sổ.")
        else:
            try:
                with transaction.atomic():
                    document = incoming_receive(
                        agency=agency,
                        main=attachment,
                        via=Via.EMAIL,
                        sender=parsed.sender,
                        actor=actor,
                        metadata={"subject": parsed.subject} if parsed.subject else {},
                        source_ref=f"{parsed.message_id}#{index}",
                        now=now,
                        mail=mail,
                    )
            except IncomingRejected as exc:
                entry["reason"] = "; ".join(exc.messages)
            else:
                entry["accepted"] = True
                intake.documents.append(document)
        if entry["reason"]:
            intake.problems.append(f"{attachment.name}: {entry['reason']}")
        listing.append(entry)
    if not parsed.attachments:
        intake.problems.append(
            _("Thư không có tệp đính kèm, không có văn bản để vào sổ.")
        )
    elif not intake.documents:
        intake.problems.append(_("Thư không có tệp PDF nào tiếp nhận được."))
    mail.attachments = listing
    mail.problem = "\n".join(intake.problems)
    mail.save(update_fields=["attachments", "problem"])
    audit_record(
        actor=actor,
        action="incomingmail.received",
        obj=mail,
        agency=agency,
        after={
            "message_id": mail.message_id,
            "sender": mail.sender,
            "documents": [d.pk for d in intake.documents],
        },
        note=mail.problem,
    )
    return intake
