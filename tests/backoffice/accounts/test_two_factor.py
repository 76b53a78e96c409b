from django.core import mail
from django.test import Client

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.accounts.services import backup_codes_issue
from backoffice.core.models import AuditLogEntry
from tests.fixtures.staff import PASSWORD, current_totp

pytestmark = pytest.mark.django_db

PROTECTED = [
    "/backoffice/",
    "/admin/",
    "/admin/snippets/core/agency/",
    "/django-admin/",
]


def password_only(user) -> Client:
    client = Client()
    response = client.post(
        "/backoffice/account/login/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("path", PROTECTED)
def test_anonymous_is_sent_to_login(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/account/login/")


@pytest.mark.parametrize("path", PROTECTED)
def test_staff_without_totp_must_enrol_first(
    agency_tree, make_staff, path: str
) -> None:
    user = make_staff("moi", agency=agency_tree["ict"], totp_device=False)
    response = password_only(user).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/account/otp/setup/")


@pytest.mark.parametrize("path", PROTECTED)
def test_staff_with_totp_must_enter_a_code(agency_tree, make_staff, path: str) -> None:
    user = make_staff("cv", agency=agency_tree["ict"])
    response = password_only(user).get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/account/otp/verify/")


def test_verified_staff_reaches_back_office_and_wagtail(
    agency_tree, make_staff, verified_client
) -> None:
    client = verified_client(make_staff("cv", agency=agency_tree["ict"]))
    assert client.get("/backoffice/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_wrong_code_is_refused_and_audited(agency_tree, make_staff) -> None:
    user = make_staff("cv", agency=agency_tree["ict"])
    client = password_only(user)
    response = client.post("/backoffice/account/otp/verify/", {"token": "000000"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    assert client.get("/backoffice/").status_code == 302
    assert AuditLogEntry.objects.filter(
        action="otp.failed", object_id=str(user.pk)
    ).exists()


def test_enrolment_confirms_device_issues_backup_codes_and_notifies(
    agency_tree, make_staff, django_capture_on_commit_callbacks, settings, celery_eager
) -> None:
    # The wrong code below would otherwise throttle the device for a second.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_staff("moi", agency=agency_tree["ict"], totp_device=False)
    client = password_only(user)
    page = client.get("/backoffice/account/otp/setup/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert (
        client.post("/backoffice/account/otp/setup/", {"token": "123456"}).status_code
        == 200
    )
    device.refresh_from_db()
    assert not device.confirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/backoffice/account/otp/setup/", {"token": current_totp_of(device)}
        )
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/backoffice/").status_code == 200
    assert AuditLogEntry.objects.filter(action="otp.enrolled").exists()
    assert mail.outbox[-1].to == [user.email]


def current_totp_of(device: TOTPDevice) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_backup_code_works_once(agency_tree, make_staff) -> None:
    user = make_staff("cv", agency=agency_tree["ict"])
    code = backup_codes_issue(user=user)[0]
    client = password_only(user)
    assert (
        client.post("/backoffice/account/otp/verify/", {"token": code}).status_code
        == 302
    )
    assert client.get("/backoffice/").status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()
    again = password_only(user)
    assert (
        again.post("/backoffice/account/otp/verify/", {"token": code}).status_code
        == 200
    )


def test_lockout_after_repeated_failed_logins(
    agency_tree, make_staff, settings
) -> None:
    user = make_staff("cv", agency=agency_tree["ict"])
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/backoffice/account/login/", {"username": "cv", "password": "wrong"}
        )
    response = client.post(
        "/backoffice/account/login/", {"username": "cv", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Tạm khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.is_active


def test_citizen_account_cannot_enter_back_office(db, django_user_model) -> None:
    django_user_model.objects.create_user("dan", password=PASSWORD)
    client = Client()
    client.post("/backoffice/account/login/", {"username": "dan", "password": PASSWORD})
    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/account/login/")


def test_totp_code_from_fixture_helper_is_accepted(agency_tree, make_staff) -> None:
    user = make_staff("cv", agency=agency_tree["ict"])
    client = password_only(user)
    response = client.post(
        "/backoffice/account/otp/verify/",
        {"token": current_totp(user), "next": "/admin/"},
    )
    assert response["Location"] == "/admin/"


def test_open_redirect_is_refused(agency_tree, make_staff) -> None:
    user = make_staff("cv", agency=agency_tree["ict"])
    client = password_only(user)
    response = client.post(
        "/backoffice/account/otp/verify/",
        {"token": current_totp(user), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/backoffice/"
