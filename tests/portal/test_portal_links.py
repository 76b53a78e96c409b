"""Links that backoffice writes into PDFs and e-mails point at portal pages by URL
name: absolute, in the site's default language, and following the URL
configuration instead of literal paths."""

from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.utils import timezone, translation

import pytest

from backoffice.accounts.citizens import citizen_register, email_verification_path
from backoffice.accounts.models import User
from backoffice.core.models import OutboxMessage
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.pdf_forms import tracking_url
from backoffice.dossiers.services import dossier_submit

MOVED = "tests.support.moved_portal_urls"


def _dossier() -> Dossier:
    return Dossier(code="000.01.31.H53-20270203-0000001", lookup_secret="Ab3-x_9")


def test_the_receipt_link_is_absolute_and_opens_the_lookup(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.example.vn/"
    url = tracking_url(_dossier())
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "dichvucong.example.vn",
        "/tra-cuu-ho-so/",
    )
    assert parse_qs(parts.query) == {
        "code": ["000.01.31.H53-20270203-0000001"],
        "secret": ["Ab3-x_9"],
    }


def test_the_receipt_link_follows_the_url_configuration(settings):
    settings.ROOT_URLCONF = MOVED
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.example.vn"
    url = tracking_url(_dossier())
    assert urlsplit(url).path == "/cong/tra-cuu-ho-so/"


def test_the_receipt_link_is_in_the_default_language_whatever_is_active(settings):
    with translation.override("en"):
        url = tracking_url(_dossier())
    assert urlsplit(url).path == "/tra-cuu-ho-so/"


@pytest.mark.django_db
def test_the_receipt_link_opens_the_dossier_on_the_lookup_page(
    settings, birth_registration, agency_tree, applicant, complete_files
):
    dossier = dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=complete_files,
    )
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    parts = urlsplit(tracking_url(dossier))
    response = Client().get(f"{parts.path}?{parts.query}", follow=True)
    assert response.status_code == 200
    assert response.context["dossier"] == dossier


@pytest.mark.django_db
def test_the_verification_link_follows_the_url_configuration(settings):
    user = User.objects.create_user(username="mai@example.vn", email="mai@example.vn")
    settings.ROOT_URLCONF = MOVED
    path = email_verification_path(user=user)
    assert path.startswith("/cong/tai-khoan/xac-minh/")


@pytest.mark.django_db
def test_the_repeated_registration_notice_links_follow_the_url_configuration(
    settings,
):
    User.objects.create_user(
        username="mai@example.vn",
        email="mai@example.vn",
        password="Citizen-pass-2026!",
        full_name="Trần Thị Mai",
        email_verified_at=timezone.now(),
    )
    settings.ROOT_URLCONF = MOVED
    assert (
        citizen_register(
            email="mai@example.vn",
            password="Another-pass-2026!",
            full_name="Người khác",
            citizen_id="094188001234",
            base_url="https://dichvucong.example.vn/",
        )
        is None
    )
    (message,) = OutboxMessage.objects.filter(task="backoffice.core.tasks.send_email")
    body = message.kwargs["body"]
    assert "https://dichvucong.example.vn/cong/tai-khoan/dang-nhap/" in body
    assert "https://dichvucong.example.vn/cong/tai-khoan/quen-mat-khau/" in body
