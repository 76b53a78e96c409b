"""Shared fixtures: an agency tree, staff with TOTP devices, signed-in clients."""

from collections.abc import Callable

from django.test import Client

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from backoffice.accounts.models import User
from backoffice.core.constants import AgencyLevel, Role
from backoffice.core.models import Agency
from backoffice.core.services import membership_grant

pytest_plugins = ["tests.fixtures.dossiers", "tests.fixtures.broker"]

PASSWORD = "Staff-pass-2026!"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    """Every test writes uploads into its own folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _private_signing_keys(settings, tmp_path) -> None:
    """Agency signing keys (load_demo makes one) go to the test's folder, never var/."""
    settings.SIGNING_KEYS_ROOT = tmp_path / "signing-keys"


@pytest.fixture(autouse=True)
def _private_search_index(settings, tmp_path):
    """Every test indexes into its own embedded index, never into var/search."""
    import search

    settings.SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.embedded.EmbeddedBackend",
            "OPTIONS": {"PATH": tmp_path / "search", "PREFIX": "test-"},
        }
    }
    search.reset()
    yield
    search.reset()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters live in the cache: no test inherits another's."""
    from django.core.cache import caches

    for alias in ("default", "throttle"):
        caches[alias].clear()
    yield
    for alias in ("default", "throttle"):
        caches[alias].clear()


@pytest.fixture
def agency_tree(db) -> dict[str, Agency]:
    province = Agency.objects.create(
        code="000.00.00.H53", name="UBND tỉnh Sóc Trăng", level=AgencyLevel.PROVINCE
    )
    ict = Agency.objects.create(
        code="000.00.11.H53",
        name="Sở TT&TT",
        level=AgencyLevel.DEPARTMENT,
        parent=province,
    )
    justice = Agency.objects.create(
        code="000.00.04.H53",
        name="Sở Tư pháp",
        level=AgencyLevel.DEPARTMENT,
        parent=province,
    )
    city = Agency.objects.create(
        code="000.00.31.H53",
        name="UBND TP Sóc Trăng",
        level=AgencyLevel.DISTRICT,
        parent=province,
    )
    ward = Agency.objects.create(
        code="000.01.31.H53",
        name="UBND Phường 1",
        level=AgencyLevel.COMMUNE,
        parent=city,
    )
    return {
        "province": province,
        "ict": ict,
        "justice": justice,
        "city": city,
        "ward": ward,
    }


@pytest.fixture
def make_staff(db) -> Callable[..., User]:
    def make(
        username: str,
        *,
        agency: Agency,
        role: str = Role.SPECIALIST,
        totp_device: bool = True,
    ) -> User:
        user = User.objects.create_user(
            username=username, password=PASSWORD, email=f"{username}@example.vn"
        )
        membership_grant(actor=None, user=user, agency=agency, role=role)
        user.refresh_from_db()
        if totp_device:
            TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        return user

    return make


def current_totp(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def verified_client(make_staff, agency_tree) -> Callable[[User], Client]:
    """A test client signed in with password and TOTP, as a real staff member is."""

    def sign_in(user: User) -> Client:
        client = Client()
        response = client.post(
            "/backoffice/account/login/",
            {"username": user.username, "password": PASSWORD},
        )
        assert response.status_code == 302, response.content
        response = client.post(
            "/backoffice/account/otp/verify/", {"token": current_totp(user)}
        )
        assert response.status_code == 302
        return client

    return sign_in


@pytest.fixture
def celery_eager():
    """Run Celery tasks in-process (the worker itself is tested in tests/celery)."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _audit_triggers_around_flush(request: pytest.FixtureRequest):
    """Let Django flush the database after a transactional test.

    The audit log's and the dossier status history's triggers refuse DELETE and
    TRUNCATE, which is also how Django empties the tables after a transactional
    test; every append-only trigger (`db_triggers.install_all`) is dropped for that
    flush only and put back before the next test.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        yield
        return
    from django.db import connection

    from backoffice.core import db_triggers

    request.getfixturevalue("transactional_db")
    db_triggers.install_all(connection)
    _site_pages_rebuild()
    yield
    db_triggers.uninstall_all(connection)


def _site_pages_rebuild() -> None:
    """Put back the page tree the migrations create, which a flush has emptied.

    (serialized_rollback would reload it, but reloading content types by primary
    key breaks Wagtail's reference index on PostgreSQL.)
    """
    from importlib import import_module

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    if not Page.objects.filter(depth=1).exists():
        locale, _ = Locale.objects.get_or_create(language_code="vi")
        Page.objects.create(
            title="Root",
            draft_title="Root",
            slug="root",
            content_type=ContentType.objects.get_for_model(Page),
            path="0001",
            depth=1,
            numchild=0,
            url_path="/",
            locale=locale,
        )
    for migration, create in (
        ("0002_create_site_pages", "create_pages"),
        ("0004_create_document_library", "create_library"),
    ):
        getattr(import_module(f"portal.migrations.{migration}"), create)(apps, None)
