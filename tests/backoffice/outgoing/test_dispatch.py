"""Dispatch: internal agencies into their incoming desk, e-mail by SMTP (a real
aiosmtpd server), per-recipient delivery status (issue 11)."""

import email
import socket
from collections.abc import Iterator
from email import policy

import pytest
from aiosmtpd.controller import Controller

from backoffice.core.models import Agency
from backoffice.incoming.models import IncomingDocument
from backoffice.incoming.services import incoming_refuse, incoming_register
from backoffice.outgoing.constants import Channel, DeliveryStatus
from backoffice.outgoing.dispatch import delivery_retry, delivery_send
from backoffice.outgoing.models import OutgoingRecipient
from backoffice.outgoing.release import outgoing_release
from backoffice.outgoing.services import OutgoingRejected
from backoffice.signatures.verification import pdf_verify


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=policy.default)
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings) -> Iterator[Inbox]:
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield inbox
    controller.stop()


def _release(office, approved, capture, **overrides):
    document = approved(attachments=1, **overrides)
    with capture(execute=True):
        return outgoing_release(document=document, actor=office.clerk)


def test_email_recipients_get_the_signed_pdfs_by_smtp(
    office,
    pkcs12_keys,
    approved,
    smtp_server,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    released = _release(office, approved, django_capture_on_commit_callbacks)

    delivery = released.recipients.get()
    assert (delivery.channel, delivery.status) == (Channel.EMAIL, DeliveryStatus.SENT)
    assert delivery.attempts == 1
    (message,) = smtp_server.messages
    assert message["To"] == "vanthu@example.vn"
    assert "01/QĐ-STP" in message["Subject"]
    parts = list(message.iter_attachments())
    assert [p.get_content_type() for p in parts] == ["application/pdf"] * 2
    assert pdf_verify(pdf_bytes=parts[0].get_content()).verdict == "valid"


def test_an_unreachable_mail_server_counts_the_attempt_and_can_be_retried(
    office,
    pkcs12_keys,
    approved,
    settings,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    # Released without running the queued task: the test drives the delivery.
    released = outgoing_release(document=approved(attachments=0), actor=office.clerk)
    delivery = released.recipients.get()
    real_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nobody listens there

    with pytest.raises(OSError):
        delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert delivery.last_error
    settings.EMAIL_PORT = real_port
    assert delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SENT
    assert len(smtp_server.messages) == 1
    # Sending again is a no-op (idempotent task).
    assert delivery_send(delivery_id=delivery.pk) == DeliveryStatus.SENT
    assert len(smtp_server.messages) == 1


def test_internal_recipients_receive_it_in_their_desk_and_acknowledge(
    office,
    pkcs12_keys,
    approved,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    ward = office.tree["ward"]
    released = _release(
        office,
        approved,
        django_capture_on_commit_callbacks,
        recipient_agencies=[ward],
        recipient_emails=[],
    )

    delivery = released.recipients.get()
    assert delivery.status == DeliveryStatus.SENT
    incoming = IncomingDocument.objects.get(pk=int(delivery.external_ref))
    assert incoming.agency == ward
    assert incoming.number_symbol == "01/QĐ-STP"
    assert incoming.files.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        incoming.refresh_from_db()
        incoming_register(document=incoming, actor=None)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED
    assert delivery.acknowledged_at is not None


def test_a_refusal_by_the_receiving_desk_comes_back(
    office,
    pkcs12_keys,
    approved,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    released = _release(
        office,
        approved,
        django_capture_on_commit_callbacks,
        recipient_agencies=[office.tree["city"]],
        recipient_emails=[],
    )
    delivery = released.recipients.get()
    incoming = IncomingDocument.objects.get(pk=int(delivery.external_ref))

    with django_capture_on_commit_callbacks(execute=True):
        incoming_refuse(document=incoming, actor=None, reason="Gửi nhầm cơ quan")

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REFUSED
    assert delivery.ack_note == "Gửi nhầm cơ quan"


def test_a_merged_recipient_is_routed_to_its_successor(
    office,
    pkcs12_keys,
    approved,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    ward = office.tree["ward"]
    merged = Agency.objects.create(
        code="000.02.31.H53",
        name="UBND Phường 2 (cũ)",
        parent=office.tree["city"],
        superseded_by=ward,
        is_active=False,
    )

    released = _release(
        office,
        approved,
        django_capture_on_commit_callbacks,
        recipient_agencies=[merged],
        recipient_emails=[],
    )

    delivery = released.recipients.get()
    assert delivery.agency == merged
    assert delivery.routed_to == ward
    assert IncomingDocument.objects.get(pk=int(delivery.external_ref)).agency == ward


def test_a_recipient_gone_without_successor_is_refused_at_drafting(
    office, pkcs12_keys, approved
):
    gone = Agency.objects.create(
        code="000.03.31.H53", name="UBND Phường 3 (đã giải thể)", is_active=False
    )

    with pytest.raises(OutgoingRejected, match="không còn hoạt động"):
        approved(recipient_agencies=[gone])


def test_only_a_failed_delivery_is_queued_again(office, pkcs12_keys, approved):
    released = outgoing_release(document=approved(attachments=0), actor=office.clerk)
    delivery = released.recipients.get()

    with pytest.raises(OutgoingRejected, match="gửi lỗi"):
        delivery_retry(delivery=delivery, actor=office.clerk)

    OutgoingRecipient.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED
    )
    assert delivery_retry(delivery=delivery, actor=office.clerk).status == (
        DeliveryStatus.QUEUED
    )
