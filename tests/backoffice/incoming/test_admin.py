"""Mailbox settings in the admin: the password is write-only and stored encrypted."""

import pytest

from backoffice.core.constants import Role
from backoffice.incoming.mailboxes import mailbox_password
from backoffice.incoming.models import IncomingMailbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(desk, make_staff, verified_client):
    user = make_staff("quantri", agency=desk["agency"], role=Role.ADMIN)
    user.is_superuser = True
    user.save()
    return verified_client(user)


def test_an_administrator_adds_a_mailbox_with_an_encrypted_password(
    desk, admin_client
) -> None:
    response = admin_client.post(
        "/django-admin/incoming/incomingmailbox/add/",
        {
            "agency": desk["agency"].pk,
            "host": "mail.soctrang.gov.vn",
            "port": 993,
            "use_ssl": "on",
            "username": "vanthu@stttt.soctrang.gov.vn",
            "password": "Mat-khau-hop-thu-2026",
            "password_env": "",
            "folder": "INBOX",
            "poll_interval": 300,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mailbox = IncomingMailbox.objects.get()
    assert "Mat-khau" not in mailbox.password_encrypted
    assert mailbox_password(mailbox) == "Mat-khau-hop-thu-2026"
    page = admin_client.get(
        f"/django-admin/incoming/incomingmailbox/{mailbox.pk}/change/"
    )
    assert "Mat-khau-hop-thu-2026" not in page.content.decode()
    # Saving again without a password keeps the stored one.
    response = admin_client.post(
        f"/django-admin/incoming/incomingmailbox/{mailbox.pk}/change/",
        {
            "agency": desk["agency"].pk,
            "host": "mail2.soctrang.gov.vn",
            "port": 993,
            "use_ssl": "on",
            "username": "vanthu@stttt.soctrang.gov.vn",
            "password": "",
            "password_env": "",
            "folder": "INBOX",
            "poll_interval": 300,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.host == "mail2.soctrang.gov.vn"
    assert mailbox_password(mailbox) == "Mat-khau-hop-thu-2026"
    IncomingMailbox.objects.filter(pk=mailbox.pk).update(
        failures=3, last_error="Máy chủ thư từ chối đăng nhập"
    )
    listing = admin_client.get(
        "/django-admin/incoming/incomingmailbox/"
    ).content.decode()
    assert "Máy chủ thư từ chối đăng nhập" in listing


def test_a_mailbox_without_any_password_is_refused(desk, admin_client) -> None:
    response = admin_client.post(
        "/django-admin/incoming/incomingmailbox/add/",
        {
            "agency": desk["agency"].pk,
            "host": "mail.soctrang.gov.vn",
            "port": 993,
            "username": "vanthu",
            "password": "",
            "password_env": "",
            "folder": "INBOX",
            "poll_interval": 300,
        },
    )
    assert response.status_code == 200
    assert "Cần nhập mật khẩu" in response.content.decode()
    assert not IncomingMailbox.objects.exists()
