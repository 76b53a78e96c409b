"""audit_read: who read what and when, once per user, action, object and window."""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.core.personal_data import audit_read

pytestmark = pytest.mark.django_db


def reads(action: str = "agency.viewed") -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=action).order_by("id"))


@pytest.fixture
def staff(make_staff, agency_tree):
    return (
        make_staff("a", agency=agency_tree["ward"]),
        make_staff("b", agency=agency_tree["ward"]),
    )


def test_one_entry_per_user_and_object_within_the_window(staff, agency_tree) -> None:
    first, second = staff
    ward, city = agency_tree["ward"], agency_tree["city"]
    entry = audit_read(actor=first, action="agency.viewed", obj=ward, agency=ward)
    assert entry is not None
    assert (entry.actor, entry.object_id, entry.agency_code) == (
        first,
        str(ward.pk),
        ward.code,
    )
    assert audit_read(actor=first, action="agency.viewed", obj=ward) is None
    cache.clear()  # the audit log itself is the authority, not the cache
    assert audit_read(actor=first, action="agency.viewed", obj=ward) is None
    assert audit_read(actor=second, action="agency.viewed", obj=ward) is not None
    assert audit_read(actor=first, action="agency.viewed", obj=city) is not None
    assert audit_read(actor=first, action="agency.opened", obj=ward) is not None
    assert len(reads()) == 3


def test_a_new_window_gets_a_new_entry(staff, agency_tree, settings, monkeypatch):
    settings.AUDIT_READ_WINDOW_SECONDS = 3600
    first, _ = staff
    ward = agency_tree["ward"]
    start = timezone.now()
    audit_read(actor=first, action="agency.viewed", obj=ward)
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=59))
    cache.clear()
    assert audit_read(actor=first, action="agency.viewed", obj=ward) is None
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(minutes=61))
    cache.clear()  # its entry would have expired with the window
    assert audit_read(actor=first, action="agency.viewed", obj=ward) is not None
    assert len(reads()) == 2


def test_window_zero_records_every_read(staff, agency_tree, settings) -> None:
    settings.AUDIT_READ_WINDOW_SECONDS = 0
    first, _ = staff
    for _ in range(3):
        audit_read(actor=first, action="agency.viewed", obj=agency_tree["ward"])
    assert len(reads()) == 3


def test_nobody_signed_in_is_not_recorded(agency_tree) -> None:
    assert (
        audit_read(actor=None, action="agency.viewed", obj=agency_tree["ward"]) is None
    )
    assert (
        audit_read(
            actor=AnonymousUser(), action="agency.viewed", obj=agency_tree["ward"]
        )
        is None
    )
    assert reads() == []
