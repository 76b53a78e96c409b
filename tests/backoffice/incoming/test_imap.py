"""Reading an agency mailbox over IMAP from a real dovecot server."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from backoffice.incoming.mailboxes import (
    incoming_mailbox_poll,
    mailbox_password,
    mailbox_save,
    mailboxes_due,
)
from backoffice.incoming.models import IncomingDocument, IncomingMail, IncomingMailbox
from tests.backoffice.incoming.servers import free_port

pytestmark = pytest.mark.django_db


def mailbox_for(desk, server, **overrides) -> IncomingMailbox:
    values = {
        "agency": desk["agency"],
        "host": server.host,
        "port": server.port,
        "use_ssl": False,
        "username": server.username,
        "poll_interval": 60,
    }
    values.update(overrides)
    password = values.pop("password", server.password)
    return mailbox_save(
        mailbox=IncomingMailbox(**values), actor=None, password=password
    )


def test_the_password_is_stored_encrypted_and_never_audited(desk, imap_server) -> None:
    from backoffice.core.models import AuditLogEntry

    mailbox = mailbox_for(desk, imap_server)
    assert imap_server.password not in mailbox.password_encrypted
    assert mailbox_password(IncomingMailbox.objects.get(pk=mailbox.pk)) == (
        imap_server.password
    )
    entry = AuditLogEntry.objects.get(action="incomingmailbox.created")
    assert imap_server.password not in str(entry.after)
    assert "password_encrypted" not in entry.after


def test_a_mailbox_needs_a_password_or_an_environment_variable(desk) -> None:
    with pytest.raises(ValidationError):
        mailbox_save(
            mailbox=IncomingMailbox(
                agency=desk["agency"], host="127.0.0.1", username="x"
            ),
            actor=None,
        )
    assert not IncomingMailbox.objects.exists()


def test_poll_stores_each_pdf_once_even_when_polled_again(
    desk, pdfs, imap_server, mail_factory
) -> None:
    for number in range(3):
        imap_server.append(
            mail_factory(
                attachments=[(f"cv-{number}.pdf", pdfs["signed"], "application/pdf")],
                message_id=f"<cv-{number}@ubnd.example.vn>",
            )
        )
    imap_server.append(mail_factory(attachments=[]))
    mailbox = mailbox_for(desk, imap_server)
    result = incoming_mailbox_poll(mailbox_id=mailbox.pk)
    assert (result.fetched, result.stored, result.documents) == (4, 4, 3)
    assert result.error == ""
    assert IncomingDocument.objects.filter(via="email").count() == 3
    assert incoming_mailbox_poll(mailbox_id=mailbox.pk).fetched == 0
    # The server renumbers its messages (UIDVALIDITY changes): read again, stored once.
    IncomingMailbox.objects.filter(pk=mailbox.pk).update(uid_validity=1, last_uid=0)
    again = incoming_mailbox_poll(mailbox_id=mailbox.pk)
    assert (again.fetched, again.stored, again.duplicates) == (4, 0, 4)
    assert IncomingDocument.objects.count() == 3
    assert IncomingMail.objects.count() == 4
    mailbox.refresh_from_db()
    assert mailbox.failures == 0 and mailbox.last_polled_at is not None


def test_a_rejected_password_is_recorded_and_retried_with_backoff(
    desk, imap_server
) -> None:
    mailbox = mailbox_for(desk, imap_server, password="wrong-password")
    result = incoming_mailbox_poll(mailbox_id=mailbox.pk)
    assert "từ chối đăng nhập" in result.error
    mailbox.refresh_from_db()
    first_delay = mailbox.next_poll_at - timezone.now()
    assert mailbox.failures == 1 and "từ chối đăng nhập" in mailbox.last_error
    assert dt.timedelta(seconds=100) < first_delay <= dt.timedelta(seconds=120)
    assert mailbox.pk not in mailboxes_due()
    incoming_mailbox_poll(mailbox_id=mailbox.pk)
    mailbox.refresh_from_db()
    assert mailbox.failures == 2
    assert mailbox.next_poll_at - timezone.now() > dt.timedelta(seconds=200)
    # Fixed by the administrator: due at once, the error cleared after a good poll.
    mailbox_save(mailbox=mailbox, actor=None, password=imap_server.password)
    assert mailbox.pk in mailboxes_due()
    assert incoming_mailbox_poll(mailbox_id=mailbox.pk).error == ""
    mailbox.refresh_from_db()
    assert (mailbox.failures, mailbox.last_error) == (0, "")


def test_an_unreachable_server_is_recorded_not_raised(desk) -> None:
    mailbox = mailbox_save(
        mailbox=IncomingMailbox(
            agency=desk["agency"],
            host="127.0.0.1",
            port=free_port(),
            use_ssl=False,
            username="vanthu",
        ),
        actor=None,
        password="x",
    )
    result = incoming_mailbox_poll(mailbox_id=mailbox.pk)
    assert result.error
    mailbox.refresh_from_db()
    assert mailbox.failures == 1 and mailbox.last_error


def test_the_password_can_come_from_an_environment_variable(
    desk, pdfs, imap_server, mail_factory, monkeypatch
) -> None:
    monkeypatch.setenv("MAILBOX_SO_TTTT", imap_server.password)
    imap_server.append(
        mail_factory(attachments=[("a.pdf", pdfs["signed"], "application/pdf")])
    )
    mailbox = mailbox_for(
        desk, imap_server, password=None, password_env="MAILBOX_SO_TTTT"
    )
    assert incoming_mailbox_poll(mailbox_id=mailbox.pk).documents == 1
    monkeypatch.delenv("MAILBOX_SO_TTTT")
    IncomingMailbox.objects.filter(pk=mailbox.pk).update(last_uid=0)
    assert "MAILBOX_SO_TTTT" in incoming_mailbox_poll(mailbox_id=mailbox.pk).error


def test_beat_polls_only_mailboxes_that_are_due(
    desk, pdfs, imap_server, mail_factory, celery_eager
) -> None:
    from backoffice.incoming.tasks import poll_incoming_mailboxes

    imap_server.append(
        mail_factory(attachments=[("a.pdf", pdfs["signed"], "application/pdf")])
    )
    mailbox = mailbox_for(desk, imap_server)
    assert poll_incoming_mailboxes.delay().get() == 1
    assert IncomingDocument.objects.count() == 1
    mailbox.refresh_from_db()
    assert mailbox.next_poll_at > timezone.now()
    assert poll_incoming_mailboxes.delay().get() == 0
