"""Staff reads of a dossier and its files are audited, once per hour and object."""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.models import Dossier, DossierFile
from tests.fixtures.citizens import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(served_dossier: Dossier) -> Dossier:
    return served_dossier


@pytest.fixture
def staff_client(served_dossier_staff_client):
    return served_dossier_staff_client


def entries(action: str) -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=action).order_by("id"))


def test_dossier_page_and_files_are_audited_once_per_window(
    dossier,
    staff_client,
    monkeypatch,
) -> None:
    pdf, image = (
        dossier.files.get(original_name="tờ khai.pdf"),
        dossier.files.get(original_name="giay-chung-sinh.png"),
    )
    for _ in range(3):
        assert staff_client.get(f"/backoffice/ho-so/{dossier.code}/").status_code == 200
        for record in (pdf, image):
            url = f"/backoffice/ho-so/{dossier.code}/tep/{record.pk}/"
            assert staff_client.get(url).status_code == 200
    viewed = entries("dossier.viewed")
    assert [(e.actor.username, e.object_type, e.object_id) for e in viewed] == [
        ("cv", Dossier._meta.label, str(dossier.pk))
    ]
    assert viewed[0].agency_code == dossier.agency.code
    opened = entries("dossier_file.opened")
    assert sorted((e.object_type, e.object_id) for e in opened) == sorted(
        (DossierFile._meta.label, str(r.pk)) for r in (pdf, image)
    )
    assert {e.actor_repr for e in opened} == {"cv"}

    # An hour later the next read is recorded again.
    later = timezone.now() + dt.timedelta(seconds=3601)
    monkeypatch.setattr(timezone, "now", lambda: later)
    cache.clear()
    staff_client.get(f"/backoffice/ho-so/{dossier.code}/")
    staff_client.get(f"/backoffice/ho-so/{dossier.code}/tep/{pdf.pk}/")
    assert len(entries("dossier.viewed")) == 2
    assert len(entries("dossier_file.opened")) == 3


def test_a_refused_read_is_not_audited(
    dossier,
    make_staff,
    agency_tree,
    verified_client,
) -> None:
    outsider = make_staff("ngoai", agency=agency_tree["justice"])
    client = verified_client(outsider)
    record = dossier.files.first()
    assert client.get(f"/backoffice/ho-so/{dossier.code}/").status_code == 404
    assert (
        client.get(f"/backoffice/ho-so/{dossier.code}/tep/{record.pk}/").status_code
        == 404
    )
    assert entries("dossier.viewed") == entries("dossier_file.opened") == []


def test_the_citizen_reading_their_own_files_is_not_audited(dossier) -> None:
    client = signed_in(dossier.owner)
    before = AuditLogEntry.objects.count()
    record = dossier.files.first()
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/").status_code == 200
    assert (
        client.get(f"/ho-so-cua-toi/{dossier.code}/tep/{record.pk}/").status_code == 200
    )
    assert AuditLogEntry.objects.count() == before
