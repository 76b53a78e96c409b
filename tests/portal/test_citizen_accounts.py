import re

from django.core import mail

import pytest

from backoffice.accounts.models import User
from backoffice.core.models import AuditLogEntry

# E-mails are queued on commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

GOOD = {
    "full_name": "Trần Thị Mai",
    "citizen_id": "094195004321",
    "email": "Mai@Example.vn",
    "phone": "0987654321",
    "address": "Phường 2, TP Sóc Trăng",
    "password1": "Sóc-Trăng-2026!",
    "password2": "Sóc-Trăng-2026!",
}


def register(client, **changes):
    return client.post("/tai-khoan/dang-ky/", {**GOOD, **changes})


def link_from_outbox() -> str:
    return re.search(
        r"https?://[^/]+(/tai-khoan/xac-minh/\S+/)", mail.outbox[-1].body
    ).group(1)


def test_register_verify_login(client, celery_eager) -> None:
    response = register(client)
    assert response.status_code == 200
    assert "mai@example.vn" in response.content.decode()
    user = User.objects.get(username="mai@example.vn")
    assert user.email_verified_at is None and not user.is_staff
    assert mail.outbox[-1].to == ["mai@example.vn"]

    login = {"username": "mai@example.vn", "password": GOOD["password1"]}
    client.post("/tai-khoan/dang-nhap/", login)
    pending = client.get("/ho-so-cua-toi/")
    assert "Xác minh thư điện tử" in pending.content.decode()

    assert "Đã xác minh" in client.get(link_from_outbox()).content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert client.get("/ho-so-cua-toi/").status_code == 200
    assert AuditLogEntry.objects.filter(action="citizen.email_verified").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"citizen_id": "12345"}, "citizen_id", "12 chữ số"),
        ({"citizen_id": "09419500432x"}, "citizen_id", "12 chữ số"),
        ({"email": "not-an-email"}, "email", ""),
        ({"password2": "khác"}, "password2", "không khớp"),
        ({"password1": "123", "password2": "123"}, "password1", ""),
        ({"full_name": ""}, "full_name", ""),
    ],
)
def test_bad_registration_is_refused_and_creates_nothing(
    client, changes, field, message
) -> None:
    response = register(client, **changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not User.objects.exists()
    assert not mail.outbox


def test_duplicate_email_gets_no_second_account_and_no_hint(
    client, celery_eager
) -> None:
    """The same page as a new address (no enumeration); the owner is told by mail."""
    register(client)
    response = register(client, email="MAI@example.vn")
    assert response.status_code == 200
    assert "portal/accounts/verify_pending.html" in [t.name for t in response.templates]
    assert User.objects.count() == 1
    assert "Có người đăng ký" in mail.outbox[-1].subject


def test_bad_or_reused_verification_link(client, celery_eager) -> None:
    register(client)
    link = link_from_outbox()
    assert "không hợp lệ" in client.get(link[:-3] + "xx/").content.decode()
    assert "không hợp lệ" in client.get("/tai-khoan/xac-minh/zzz/abc/").content.decode()
    assert client.get(link).status_code == 200


def test_password_reset_by_email(client, celery_eager) -> None:
    register(client)
    client.get(link_from_outbox())
    mail.outbox.clear()
    client.post("/tai-khoan/quen-mat-khau/", {"email": "mai@example.vn"})
    link = re.search(
        r"https?://[^/]+(/tai-khoan/dat-lai-mat-khau/\S+/)", mail.outbox[-1].body
    ).group(1)
    form_page = client.get(link, follow=True)
    new = "Mật-khẩu-mới-2027"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    login = client.post(
        "/tai-khoan/dang-nhap/", {"username": "mai@example.vn", "password": new}
    )
    assert login.status_code == 302


def test_profile_update_validates_and_audits(client, celery_eager) -> None:
    register(client)
    client.get(link_from_outbox())
    client.post(
        "/tai-khoan/dang-nhap/",
        {"username": "mai@example.vn", "password": GOOD["password1"]},
    )
    bad = client.post(
        "/tai-khoan/thong-tin/",
        {"full_name": "Mai", "citizen_id": "1", "phone": "", "address": ""},
    )
    assert "citizen_id" in bad.context["form"].errors
    ok = client.post(
        "/tai-khoan/thong-tin/",
        {
            "full_name": "Trần Mai",
            "citizen_id": "094195004321",
            "phone": "",
            "address": "Cần Thơ",
        },
    )
    assert ok.status_code == 302
    assert User.objects.get().address == "Cần Thơ"
    assert AuditLogEntry.objects.filter(action="citizen.profile_updated").exists()
