"""Dispatch (gửi văn bản): one interface, one adapter per channel, one delivery
status per recipient.

- internal: an agency of this installation → its incoming desk
  (`incoming_receive(via="internal")`); a merged agency's document goes to its
  successor (`Agency.current()`). The incoming app tells us what became of it
  (`internal_channel_notify`): registered → acknowledged, refused → refused.
- email: the signed PDFs by SMTP to an official address (Art. 11.2), through
  Django's e-mail backend.
- edxml: the inter-agency exchange registers its adapter here later
  (`dispatch_adapter_register`).
- paper: nothing to send electronically; the clerk posts the paper copy.

Each delivery is a task (`tasks.send_outgoing_delivery`) queued on commit of
the release; transient failures retry with backoff, then the delivery is
"failed" and the clerk can queue it again.
"""

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission

from .constants import Channel, DeliveryStatus, EventKind, FileKind, OutgoingStatus
from .models import OutgoingDocument, OutgoingFile, OutgoingRecipient
from .services import OutgoingRejected, event_record, require

if TYPE_CHECKING:
    from backoffice.incoming.models import IncomingDocument

logger = logging.getLogger(__name__)
SOURCE_PREFIX = "outgoing-delivery:"


class DeliveryRefused(Exception):
    """The channel will never take this delivery (no retry); message in Vietnamese."""


Adapter = Callable[[OutgoingRecipient], str]
_ADAPTERS: dict[str, Adapter] = {}


def dispatch_adapter_register(channel: str, adapter: Adapter) -> None:
    """`adapter(delivery) -> external reference` sends one delivery; it raises
    DeliveryRefused for a permanent refusal and anything else to be retried."""
    _ADAPTERS[channel] = adapter


def signed_files(document: OutgoingDocument) -> list[OutgoingFile]:
    """The signed files of the release, main file first."""
    return sorted(
        document.files.filter(kind=FileKind.SIGNED),
        key=lambda f: (f.role != "main", f.position),
    )


def _content(record: OutgoingFile) -> bytes:
    with record.file.open("rb") as handle:
        return handle.read()


def metadata_of(document: OutgoingDocument) -> dict[str, Any]:
    """The register fields the receiving desk records (Art. 10.1.b)."""
    return {
        "issuer_name": document.agency.name,
        "issuer_code": document.agency.code,
        "number_symbol": document.number_symbol,
        "issued_on": timezone.localtime(document.released_at).date().isoformat(),
        "document_type": document.document_type,
        "field": document.field,
        "subject": document.subject,
        "urgency": document.urgency,
        "confidentiality": document.confidentiality,
        "signer_name": document.signer_name,
        "signer_position": document.signer_position,
        "page_count": document.pages or "",
        "deadline": document.deadline.isoformat() if document.deadline else "",
    }


def internal_send(delivery: OutgoingRecipient) -> str:
    """Into the incoming desk of the recipient agency (or of its successor)."""
    from backoffice.incoming.checks import IncomingRejected
    from backoffice.incoming.services import incoming_receive
    from backoffice.incoming.types import ReceivedFile

    document = delivery.document
    target = delivery.agency.current()
    if not target.is_active:
        raise DeliveryRefused(
            _("Cơ quan nhận “%(name)s” không còn hoạt động.") % {"name": target.name}
        )
    files = [ReceivedFile(f.original_name, _content(f)) for f in signed_files(document)]
    try:
        received = incoming_receive(
            agency=target,
            main=files[0],
            attachments=files[1:],
            via="internal",
            sender=document.agency.name,
            delivered_by=document.agency.code,
            metadata=metadata_of(document),
            source_ref=f"{SOURCE_PREFIX}{delivery.pk}",
        )
    except IncomingRejected as exc:
        raise DeliveryRefused(str(exc)) from exc
    delivery.routed_to = target
    return str(received.pk)


def email_send(delivery: OutgoingRecipient) -> str:
    """The signed PDFs by SMTP (Art. 11.2); the Message-ID is the reference."""
    document = delivery.document
    body = _(
        "%(agency)s gửi văn bản số %(number)s ngày %(date)s.\n"
        "Trích yếu: %(subject)s\n\n"
        "Văn bản điện tử đã được ký số; tệp đính kèm là bản gốc điện tử."
    ) % {
        "agency": document.agency.name,
        "number": document.number_symbol,
        "date": timezone.localtime(document.released_at).strftime("%d/%m/%Y"),
        "subject": document.subject,
    }
    message_id = make_msgid(domain="motcua.local")
    message = EmailMessage(
        subject=f"[{document.number_symbol}] {document.subject}"[:200],
        body=body,
        from_email=document.agency.email or settings.DEFAULT_FROM_EMAIL,
        to=[delivery.email],
        headers={"Message-ID": message_id},
    )
    for record in signed_files(document):
        message.attach(record.original_name, _content(record), "application/pdf")
    message.send(fail_silently=False)
    return message_id


def paper_send(delivery: OutgoingRecipient) -> str:
    """Nothing goes electronically: the paper copy is posted by the clerk."""
    return ""


dispatch_adapter_register(Channel.INTERNAL, internal_send)
dispatch_adapter_register(Channel.EMAIL, email_send)
dispatch_adapter_register(Channel.PAPER, paper_send)


def dispatch_queue(
    *, document: OutgoingDocument, deliveries: list[OutgoingRecipient] | None = None
) -> int:
    """Queue the given deliveries (all of the document's by default) as tasks on
    commit; returns how many."""
    from .tasks import send_outgoing_delivery

    targets = deliveries if deliveries is not None else list(document.recipients.all())
    for delivery in targets:
        send_outgoing_delivery.delay_on_commit(delivery.pk)
    return len(targets)


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery through its channel's adapter; idempotent (a delivery
    already sent, acknowledged or refused is left as it is). Returns its status.

    A DeliveryRefused marks it failed at once; other errors propagate after the
    attempt is counted (the task retries, then `delivery_fail`).
    """
    error: Exception | None = None
    with transaction.atomic():
        # Lock the delivery row only (its agency is a nullable join).
        delivery = (
            OutgoingRecipient.objects.select_for_update(of=("self",))
            .select_related("document__agency", "agency")
            .get(pk=delivery_id)
        )
        if delivery.status not in (DeliveryStatus.QUEUED, DeliveryStatus.FAILED):
            return delivery.status
        if delivery.document.status != OutgoingStatus.RELEASED:
            return delivery.status
        adapter = _ADAPTERS.get(delivery.channel)
        delivery.attempts += 1
        try:
            if adapter is None:
                raise DeliveryRefused(
                    _("Chưa có kênh gửi “%(channel)s”.") % {"channel": delivery.channel}
                )
            with transaction.atomic():
                reference = adapter(delivery)
        except DeliveryRefused as exc:
            delivery.status, delivery.last_error = DeliveryStatus.FAILED, str(exc)
        except Exception as exc:  # noqa: BLE001 — counted here, re-raised below
            delivery.last_error = str(exc)[:2000] or type(exc).__name__
            error = exc
        else:
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, timezone.now()
            delivery.external_ref, delivery.last_error = reference[:200], ""
            event_record(
                document=delivery.document,
                kind=EventKind.DISPATCHED,
                actor=None,
                comment=delivery.label,
            )
        delivery.save()
    if error is not None:
        raise error  # the task retries it
    return delivery.status


def delivery_fail(*, delivery_id: int, reason: str) -> None:
    """Give up on a delivery after its retries."""
    OutgoingRecipient.objects.filter(
        pk=delivery_id, status=DeliveryStatus.QUEUED
    ).update(status=DeliveryStatus.FAILED, last_error=reason[:2000])


def delivery_retry(
    *, delivery: OutgoingRecipient, actor: AbstractBaseUser
) -> OutgoingRecipient:
    """The clerk queues a failed delivery again."""
    require(actor, delivery.document.agency, Permission.KEEP_REGISTERS)
    with transaction.atomic():
        row = OutgoingRecipient.objects.select_for_update().get(pk=delivery.pk)
        if row.status != DeliveryStatus.FAILED:
            raise OutgoingRejected(_("Chỉ gửi lại được nơi nhận bị gửi lỗi."))
        row.status = DeliveryStatus.QUEUED
        row.save()
        dispatch_queue(document=row.document, deliveries=[row])
    return row


def internal_channel_notify(
    *, document: "IncomingDocument", event: str, reason: str = ""
) -> None:
    """What the receiving desk did with a document we sent (incoming notifier):
    registered → acknowledged, refused → refused (with the reason)."""
    reference = document.source_ref or ""
    if not reference.startswith(SOURCE_PREFIX):
        return
    delivery_id = reference.removeprefix(SOURCE_PREFIX)
    if not delivery_id.isdigit():
        return
    updates: dict[str, Any]
    if event == "registered":
        updates = {
            "status": DeliveryStatus.ACKNOWLEDGED,
            "acknowledged_at": timezone.now(),
            "ack_note": str(getattr(document, "incoming_number", "") or "")[:500],
        }
    elif event == "refused":
        updates = {
            "status": DeliveryStatus.REFUSED,
            "acknowledged_at": timezone.now(),
            "ack_note": (reason or "")[:500],
        }
    else:
        return
    OutgoingRecipient.objects.filter(pk=int(delivery_id)).update(**updates)


def reply_close(*, document: OutgoingDocument, actor: AbstractBaseUser) -> None:
    """Answering an incoming document closes its handling (when it is open)."""
    if document.reply_to_id is None:
        return
    from backoffice.incoming.constants import IncomingStatus
    from backoffice.incoming.routing import incoming_done

    incoming = document.reply_to
    allowed = incoming.STATUS_TRANSITIONS.get(incoming.status, frozenset())
    if IncomingStatus.DONE not in allowed:
        return
    incoming_done(
        document=incoming,
        actor=None,
        outcome=_("Đã trả lời bằng văn bản %(number)s.")
        % {"number": document.number_symbol},
    )
