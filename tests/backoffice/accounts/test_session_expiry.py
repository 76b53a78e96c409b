"""Staff sessions end after 30 minutes idle and 12 hours in all (issue 8.12)."""

import time

import pytest

from backoffice.accounts.middleware import StaffSessionExpiryMiddleware as Expiry
from backoffice.core.constants import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(make_staff, agency_tree, verified_client):
    user = make_staff("chuyenvien", agency=agency_tree["ward"], role=Role.SPECIALIST)
    client = verified_client(user)
    assert client.get("/backoffice/").status_code == 200
    return client


def _age(client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_an_active_session_stays(staff_client) -> None:
    _age(staff_client, Expiry.SEEN, 10 * 60)
    assert staff_client.get("/backoffice/").status_code == 200


def test_thirty_idle_minutes_sign_the_staff_member_out(staff_client, settings) -> None:
    _age(staff_client, Expiry.SEEN, settings.STAFF_SESSION_IDLE_SECONDS + 5)
    response = staff_client.get("/backoffice/")
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/account/login/")
    assert "_auth_user_id" not in staff_client.session
    # Signed out for good: the next request is not let in either.
    assert staff_client.get("/backoffice/").status_code == 302


def test_twelve_hours_end_even_a_busy_session(staff_client, settings) -> None:
    _age(staff_client, Expiry.SINCE, settings.STAFF_SESSION_MAX_SECONDS + 5)
    _age(staff_client, Expiry.SEEN, 1)
    response = staff_client.get("/backoffice/")
    assert response.status_code == 302
    assert "_auth_user_id" not in staff_client.session


def test_citizens_are_not_affected(client, db, settings) -> None:
    from backoffice.accounts.models import User

    citizen = User.objects.create_user(username="cd@example.vn", password="x-123456A")
    client.force_login(citizen)
    _age(client, Expiry.SEEN, settings.STAFF_SESSION_IDLE_SECONDS + 5)
    client.get("/")
    assert "_auth_user_id" in client.session
