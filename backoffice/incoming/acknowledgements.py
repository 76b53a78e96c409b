"""Acknowledgement of receipt (Art. 13) and refusal notices by e-mail.

`incoming_event_notify` runs in the worker for each notified event and calls the
channel's notifiers (notify.py). The "email" channel's notifier, registered in
apps.py, writes to the mailbox the document came from: at once when it is
registered (báo nhận), and with the reason when it is refused. Sent through
Django's mail backend (SMTP in production); a failure raises, and the task retries
with backoff. Each notice is audited.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.core.services import audit_record

from .constants import IncomingEventKind
from .models import IncomingDocument, IncomingEvent
from .notify import channel_notify


def incoming_event_notify(*, event_id: int) -> bool:
    """Call the channel's notifiers once for this event; False if already done."""
    event = (
        IncomingEvent.objects.select_related("document", "document__agency")
        .filter(pk=event_id, notified_at__isnull=True)
        .first()
    )
    if event is None:
        return False
    channel_notify(document=event.document, event=event.kind, reason=event.reason)
    IncomingEvent.objects.filter(pk=event.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return True


def _reference(document: IncomingDocument) -> str:
    parts = [document.number_symbol, document.subject[:120]]
    if document.mail_id and not any(parts):
        parts = [document.mail.subject]
    return " — ".join(p for p in parts if p) or _("(không có số, ký hiệu)")


def _file_names(document: IncomingDocument) -> str:
    return ", ".join(f.original_name for f in document.files.all())


def acknowledgement_message(
    *, document: IncomingDocument, event: str, reason: str
) -> EmailMessage | None:
    """The notice for `event`, or None when the channel is not told about it."""
    agency = document.agency
    received = timezone.localtime(document.received_at).strftime("%H:%M %d/%m/%Y")
    values: dict[str, Any] = {
        "agency": agency.name,
        "reference": _reference(document),
        "files": _file_names(document),
        "received": received,
        "number": document.incoming_number,
        "year": document.year,
        "reason": reason,
    }
    if event == IncomingEventKind.REGISTERED:
        subject = _("Xác nhận đã nhận văn bản: %(reference)s") % values
        body = (
            _(
                "%(agency)s xác nhận đã nhận văn bản điện tử “%(reference)s” "
                "(tệp: %(files)s) lúc %(received)s và đã vào sổ văn bản đến, "
                "số đến %(number)s/%(year)s."
            )
            % values
        )
    elif event == IncomingEventKind.REFUSED:
        subject = _("Từ chối tiếp nhận văn bản: %(reference)s") % values
        body = (
            _(
                "%(agency)s không tiếp nhận văn bản điện tử “%(reference)s” "
                "(tệp: %(files)s) nhận lúc %(received)s. Lý do: %(reason)s"
            )
            % values
        )
    else:
        return None
    footer = _("Thư này được gửi tự động theo Điều 13 Quyết định 15/2016/QĐ-UBND.")
    sender = agency.email or settings.DEFAULT_FROM_EMAIL
    headers = {}
    if document.mail_id:
        headers["In-Reply-To"] = document.mail.message_id
        headers["References"] = document.mail.message_id
    return EmailMessage(
        subject=subject,
        body=f"{body}\n\n{footer}",
        from_email=sender,
        to=[document.sender],
        headers=headers,
    )


def email_channel_notify(
    *, document: IncomingDocument, event: str, reason: str
) -> None:
    """Notifier of the "email" channel: acknowledgement or refusal notice."""
    if not document.sender or "@" not in document.sender:
        return
    with translation.override(settings.LANGUAGE_CODE):
        message = acknowledgement_message(document=document, event=event, reason=reason)
    if message is None:
        return
    message.send()
    with transaction.atomic():
        if event == IncomingEventKind.REGISTERED:
            IncomingDocument.objects.filter(pk=document.pk).update(
                acknowledged_at=timezone.now()
            )
        audit_record(
            actor=None,
            action=(
                "incomingdocument.acknowledged"
                if event == IncomingEventKind.REGISTERED
                else "incomingdocument.refusal_sent"
            ),
            obj=document,
            agency=document.agency,
            after={"to": document.sender, "subject": message.subject},
        )
