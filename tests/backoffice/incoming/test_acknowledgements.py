"""Art. 13 acknowledgements through a real SMTP server, and the channel registry."""

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.incoming.acknowledgements import incoming_event_notify
from backoffice.incoming.constants import IncomingEventKind
from backoffice.incoming.mail import incoming_mail_receive
from backoffice.incoming.models import IncomingEvent
from backoffice.incoming.notify import channel_notifier_register, channel_notifiers
from backoffice.incoming.services import (
    incoming_check,
    incoming_receive,
    incoming_refuse,
    incoming_register,
)
from backoffice.incoming.types import ReceivedFile
from tests.backoffice.incoming.conftest import reload

pytestmark = pytest.mark.django_db


def test_registration_is_acknowledged_to_the_sending_mailbox_at_once(
    desk, pdfs, mail_factory, smtp, celery_eager, django_capture_on_commit_callbacks
) -> None:
    raw = mail_factory(
        attachments=[("15-UBND-VP.pdf", pdfs["signed"], "application/pdf")],
        message_id="<cv-15@ubnd.soctrang.example.vn>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        (document,) = incoming_mail_receive(agency=desk["agency"], raw=raw).documents
    assert reload(document).verdict == "valid"  # the check ran on commit
    assert smtp.messages == []  # nothing is acknowledged before registration
    with django_capture_on_commit_callbacks(execute=True):
        incoming_register(
            document=reload(document),
            actor=desk["clerk"],
            fields={"number_symbol": "15/UBND-VP", "issuer_name": "UBND tỉnh"},
        )
    (message,) = smtp.wait_for(1)
    assert message["X-Envelope-To"] == "vanthu@ubnd.soctrang.example.vn"
    assert message["In-Reply-To"] == "<cv-15@ubnd.soctrang.example.vn>"
    assert "15/UBND-VP" in message["Subject"]
    body = message.get_content()
    assert "số đến 1/2026" in body and "15-UBND-VP.pdf" in body
    assert reload(document).acknowledged_at is not None
    assert AuditLogEntry.objects.filter(
        action="incomingdocument.acknowledged", object_id=str(document.pk)
    ).exists()
    assert not IncomingEvent.objects.filter(
        kind__in=["received", "registered"], notified_at__isnull=True
    ).exists()


def test_refusal_is_sent_to_the_sender_with_the_reason(
    desk, pdfs, mail_factory, smtp, celery_eager, django_capture_on_commit_callbacks
) -> None:
    raw = mail_factory(attachments=[("x.pdf", pdfs["tampered"], "application/pdf")])
    with django_capture_on_commit_callbacks(execute=True):
        (document,) = incoming_mail_receive(agency=desk["agency"], raw=raw).documents
    with django_capture_on_commit_callbacks(execute=True):
        incoming_refuse(
            document=reload(document),
            actor=desk["clerk"],
            reason="Chữ ký số không hợp lệ: tài liệu đã bị thay đổi sau khi ký",
        )
    (message,) = smtp.wait_for(1)
    assert message["Subject"].strip().startswith("Từ chối tiếp nhận văn bản")
    assert "tài liệu đã bị thay đổi sau khi ký" in message.get_content()
    assert AuditLogEntry.objects.filter(action="incomingdocument.refusal_sent").exists()


def test_a_desk_upload_without_an_address_sends_no_mail(
    desk, pdfs, smtp, celery_eager, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = incoming_receive(
            agency=desk["agency"],
            main=ReceivedFile("a.pdf", pdfs["signed"]),
            via="upload",
            delivered_by="Trần Thị Bích, bưu điện",
            actor=desk["clerk"],
        )
    with django_capture_on_commit_callbacks(execute=True):
        incoming_register(document=reload(document), actor=desk["clerk"])
    assert reload(document).delivered_by == "Trần Thị Bích, bưu điện"
    assert smtp.messages == []


def test_a_mail_server_failure_leaves_the_notice_pending_for_a_retry(
    desk, pdfs, mail_factory, settings
) -> None:
    from tests.backoffice.incoming.servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    raw = mail_factory(attachments=[("x.pdf", pdfs["signed"], "application/pdf")])
    (document,) = incoming_mail_receive(agency=desk["agency"], raw=raw).documents
    incoming_check(document_id=document.pk)
    incoming_register(document=reload(document), actor=desk["clerk"])
    event = IncomingEvent.objects.get(kind=IncomingEventKind.REGISTERED)
    with pytest.raises(OSError):
        incoming_event_notify(event_id=event.pk)
    event.refresh_from_db()
    assert event.notified_at is None
    assert reload(document).acknowledged_at is None


def test_other_channels_hear_every_event_of_what_they_delivered(
    desk, pdfs, celery_eager, django_capture_on_commit_callbacks
) -> None:
    heard: list[tuple[int, str, str]] = []

    def internal_notifier(*, document, event, reason) -> None:
        heard.append((document.pk, event, reason))

    channel_notifier_register("internal", internal_notifier)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            document = incoming_receive(
                agency=desk["agency"],
                main=ReceivedFile("a.pdf", pdfs["signed"]),
                via="internal",
                source_ref="outgoing-delivery:7",
            )
        with django_capture_on_commit_callbacks(execute=True):
            incoming_refuse(document=reload(document), actor=None, reason="Gửi nhầm")
    finally:
        from backoffice.incoming import notify

        notify._NOTIFIERS["internal"].remove(internal_notifier)
    assert heard == [
        (document.pk, "received", ""),
        (document.pk, "refused", "Gửi nhầm"),
    ]
    assert internal_notifier not in channel_notifiers("internal")


def test_a_desk_upload_with_the_sender_s_address_is_acknowledged(
    desk, pdfs, smtp, celery_eager, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        document = incoming_receive(
            agency=desk["agency"],
            main=ReceivedFile("a.pdf", pdfs["signed"]),
            via="upload",
            sender="vanthu@so-tuphap.example.vn",
            delivered_by="Văn thư Sở Tư pháp",
            actor=desk["clerk"],
        )
    with django_capture_on_commit_callbacks(execute=True):
        incoming_register(document=reload(document), actor=desk["clerk"])
    (message,) = smtp.wait_for(1)
    assert message["X-Envelope-To"] == "vanthu@so-tuphap.example.vn"
    assert "In-Reply-To" not in message
