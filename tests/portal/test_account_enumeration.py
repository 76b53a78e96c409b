"""Account pages do not tell who is registered, and cannot be used to flood a mailbox.

Registration of an address that already has an account answers exactly like a new
one (its owner is e-mailed instead); the password reset and a new verification
link do the same work for an unknown address (a token, the e-mail rendered, one
job queued that delivers nothing), so neither the answer nor its timing differs;
and all three are throttled per address (ACCOUNT_EMAIL_RATE) and per client
(ACCOUNT_IP_RATE) with the same neutral answer and no e-mail.
"""

import re
import statistics
import time

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from backoffice.accounts.models import User
from backoffice.core.models import AuditLogEntry, OutboxMessage

pytestmark = pytest.mark.django_db

REGISTER = "/tai-khoan/dang-ky/"
RESET = "/tai-khoan/quen-mat-khau/"
RESEND = "/tai-khoan/gui-lai-xac-minh/"
PASSWORD = "Sóc-Trăng-2026!"
FORM = {
    "full_name": "Trần Thị Mai",
    "citizen_id": "094195004321",
    "email": "mai@example.vn",
    "phone": "0987654321",
    "address": "Phường 2, TP Sóc Trăng",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture(autouse=True)
def _empty_throttle_cache():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def owner(email: str = "mai@example.vn", *, verified: bool = True) -> User:
    return User.objects.create_user(
        username=email,
        email=email,
        password=PASSWORD,
        full_name="Trần Thị Mai",
        email_verified_at=timezone.now() if verified else None,
    )


def queued_to(address: str) -> list[dict]:
    """The e-mail jobs queued for `address` (an empty address: jobs that deliver
    nothing)."""
    return [
        message.kwargs
        for message in OutboxMessage.objects.filter(
            task="backoffice.core.tasks.send_email"
        )
        if message.kwargs["to"] == ([address] if address else [])
    ]


def page(response) -> str:
    """The page without what differs on every render (CSRF tokens)."""
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()
    )


# --- registration -------------------------------------------------------------


def test_registering_a_registered_address_answers_like_a_new_one() -> None:
    new = Client().post(REGISTER, FORM)
    assert new.status_code == 200
    User.objects.filter(username="mai@example.vn").update(full_name="Chủ tài khoản")
    again = Client().post(REGISTER, {**FORM, "full_name": "Kẻ Lạ"})

    assert again.status_code == new.status_code == 200
    assert [t.name for t in again.templates] == [t.name for t in new.templates]
    assert page(again) == page(new)
    assert "mai@example.vn" in page(again)
    # Nothing changed for the owner: one account, the owner's name.
    assert User.objects.get().full_name == "Chủ tài khoản"
    # The owner is told through the queue; the attempt is audited.
    notices = queued_to("mai@example.vn")
    assert len(notices) == 2  # the verification link, then the notice
    assert "Có người đăng ký" in notices[1]["subject"]
    assert "không có tài khoản mới nào được tạo" in notices[1]["body"]
    assert AuditLogEntry.objects.filter(action="citizen.registration_repeated").exists()


def test_the_address_is_matched_whatever_its_case() -> None:
    owner("mai@example.vn")
    response = Client().post(REGISTER, {**FORM, "email": "MAI@Example.VN"})
    assert response.status_code == 200
    assert "portal/accounts/verify_pending.html" in [t.name for t in response.templates]
    assert User.objects.count() == 1
    assert len(queued_to("mai@example.vn")) == 1


@pytest.mark.django_db(transaction=True)
def test_the_owner_receives_the_notice(celery_eager) -> None:
    owner(verified=False)
    Client().post(REGISTER, FORM)
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["mai@example.vn"]
    assert "Có người đăng ký" in notice.subject
    # An owner who never verified also gets a link to do it now.
    assert re.search(r"https?://[^/]+/tai-khoan/xac-minh/\S+/", notice.body)
    assert "/tai-khoan/quen-mat-khau/" in notice.body


class SlowHasher(PBKDF2PasswordHasher):
    """Hashing as slow as in production relative to the rest of the request."""

    iterations = 100_000


def median_seconds(post, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        post()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_registration_takes_as_long_for_a_registered_address(settings) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.SlowHasher"]
    settings.ACCOUNT_EMAIL_RATE = settings.ACCOUNT_IP_RATE = "1000/h"
    owner("mai@example.vn")
    client = Client()
    counter = iter(range(100))
    existing = median_seconds(lambda: client.post(REGISTER, FORM))
    new = median_seconds(
        lambda: client.post(REGISTER, {**FORM, "email": f"n{next(counter)}@x.vn"})
    )
    # The same password hashing, audit record and queued e-mail in both: within
    # a factor that timing noise allows, far from the form-error shortcut (which
    # skipped the hash and answered several times faster).
    assert 0.5 < existing / new < 2, (existing, new)


# --- password reset -----------------------------------------------------------


def test_reset_answers_and_works_alike_for_a_known_and_an_unknown_address() -> None:
    owner("mai@example.vn")
    answers, queries, templates = {}, {}, {}
    for email in ("mai@example.vn", "nobody@example.vn"):
        with CaptureQueriesContext(connection) as captured:
            response = Client().post(RESET, {"email": email})
        answers[email] = (response.status_code, response["Location"])
        queries[email] = len(captured.captured_queries)
        templates[email] = [t.name for t in response.templates]
    assert answers["mai@example.vn"] == answers["nobody@example.vn"]
    assert answers["nobody@example.vn"][0] == 302
    # The same work: the same queries, the same e-mail rendered, one job queued.
    assert queries["mai@example.vn"] == queries["nobody@example.vn"]
    assert templates["mai@example.vn"] == templates["nobody@example.vn"]
    assert "portal/accounts/password_reset_email.txt" in templates["nobody@example.vn"]
    assert len(queued_to("mai@example.vn")) == 1
    assert len(queued_to("")) == 1  # delivers nothing
    assert "/tai-khoan/dat-lai-mat-khau/" in queued_to("mai@example.vn")[0]["body"]


@pytest.mark.django_db(transaction=True)
def test_the_job_for_an_unknown_address_delivers_nothing(celery_eager) -> None:
    response = Client().post(RESET, {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_reset_is_throttled_per_address_with_the_same_answer(settings) -> None:
    settings.ACCOUNT_EMAIL_RATE = "3/h"
    owner("mai@example.vn")
    answers = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(RESET, {"email": "mai@example.vn"})
        for n in range(31)
    ]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/tai-khoan/quen-mat-khau/da-gui/")
    }
    assert len(queued_to("mai@example.vn")) == 3


def test_reset_is_throttled_per_client_address(settings) -> None:
    settings.ACCOUNT_IP_RATE = "2/h"
    for n in range(4):
        owner(f"user{n}@example.vn")
    client = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(4):
        assert client.post(RESET, {"email": f"user{n}@example.vn"}).status_code == 302
    assert sum(len(queued_to(f"user{n}@example.vn")) for n in range(4)) == 2
    # Another client is not affected.
    Client(REMOTE_ADDR="203.0.113.6").post(RESET, {"email": "user3@example.vn"})
    assert len(queued_to("user3@example.vn")) == 1


def test_a_throttled_unknown_address_answers_the_same_too(settings) -> None:
    settings.ACCOUNT_EMAIL_RATE = "1/h"
    first = Client().post(RESET, {"email": "nobody@example.vn"})
    second = Client().post(RESET, {"email": "nobody@example.vn"})
    assert (first.status_code, first["Location"]) == (
        second.status_code,
        second["Location"],
    )
    assert OutboxMessage.objects.count() == 1


# --- registration and new verification links: throttled alike -----------------


def test_registration_is_throttled_with_the_same_page_and_no_email(settings) -> None:
    settings.ACCOUNT_EMAIL_RATE = "1/h"
    first = Client().post(REGISTER, FORM)
    User.objects.all().delete()
    throttled = Client().post(REGISTER, FORM)
    assert page(throttled) == page(first)
    assert not User.objects.exists()  # nothing created while throttled
    assert len(queued_to("mai@example.vn")) == 1


def test_registration_per_client_limit(settings) -> None:
    settings.ACCOUNT_IP_RATE = "2/h"
    client = Client(REMOTE_ADDR="203.0.113.8")
    for n in range(3):
        assert client.post(REGISTER, {**FORM, "email": f"n{n}@x.vn"}).status_code == 200
    assert User.objects.count() == 2


def test_invalid_registrations_do_not_use_up_the_allowance(settings) -> None:
    settings.ACCOUNT_EMAIL_RATE = "1/h"
    client = Client()
    for _ in range(3):
        bad = client.post(REGISTER, {**FORM, "password2": "khác"})
        assert "password2" in bad.context["form"].errors
    client.post(REGISTER, FORM)
    assert User.objects.count() == 1


def test_verification_resend_is_neutral_equal_and_throttled(settings) -> None:
    settings.ACCOUNT_EMAIL_RATE = "2/h"
    owner("cho@example.vn", verified=False)
    owner("xong@example.vn", verified=True)
    answers = {}
    for email in ("cho@example.vn", "xong@example.vn", "nobody@example.vn"):
        with CaptureQueriesContext(connection) as captured:
            response = Client().post(RESEND, {"email": email})
        answers[email] = (
            response.status_code,
            response["Location"],
            len(captured.captured_queries),
        )
    assert len(set(answers.values())) == 1
    assert len(queued_to("cho@example.vn")) == 1
    assert len(queued_to("")) == 2  # verified and unknown: jobs delivering nothing
    # Over the per-address limit: the same answer, nothing more queued.
    for _ in range(3):
        response = Client().post(RESEND, {"email": "cho@example.vn"})
        assert (response.status_code, response["Location"]) == answers[
            "cho@example.vn"
        ][:2]
    assert len(queued_to("cho@example.vn")) == 2


def test_the_three_pages_share_the_per_address_allowance(settings) -> None:
    settings.ACCOUNT_EMAIL_RATE = "3/h"
    Client().post(REGISTER, FORM)
    Client().post(RESEND, {"email": "mai@example.vn"})
    Client().post(RESET, {"email": "mai@example.vn"})
    Client().post(RESEND, {"email": "mai@example.vn"})
    Client().post(RESET, {"email": "mai@example.vn"})
    # Registration, one new link and one reset link; then the address is at its
    # limit and the last two requests queue nothing.
    assert len(queued_to("mai@example.vn")) == 3
    assert OutboxMessage.objects.count() == 3
