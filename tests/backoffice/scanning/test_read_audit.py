"""Counter reads of a dossier, a scan original and page thumbnails are audited."""

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry
from backoffice.scanning.models import ScanBatch, ScanPage
from tests.backoffice.scanning.test_file_responses import (  # noqa: F401 (fixtures)
    batch,
    page,
)

from . import counter_helpers

pytestmark = pytest.mark.django_db

counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer


def entries(action: str) -> list[AuditLogEntry]:
    return list(AuditLogEntry.objects.filter(action=action).order_by("id"))


def test_counter_reads_are_audited_once_per_window(
    verified_client,
    officer,
    counter_dossier,
    batch,  # noqa: F811
    page,  # noqa: F811
    make_staff,
    agency_tree,
) -> None:
    client = verified_client(officer)
    for _ in range(3):
        for url in (
            f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/",
            f"/backoffice/tiep-nhan/lo-quet/{batch.pk}/goc/",
            f"/backoffice/tiep-nhan/trang/{page.pk}/anh/",
        ):
            assert client.get(url).status_code == 200
    viewed = entries("dossier.viewed")
    assert [(e.actor_repr, e.object_id) for e in viewed] == [
        (officer.username, str(counter_dossier.pk))
    ]
    original = entries("scan_batch.original_opened")
    assert [(e.object_type, e.object_id, e.agency_code) for e in original] == [
        (ScanBatch._meta.label, str(batch.pk), counter_dossier.agency.code)
    ]
    thumbnail = entries("scan_page.thumbnail_opened")
    assert [(e.object_type, e.object_id) for e in thumbnail] == [
        (ScanPage._meta.label, str(page.pk))
    ]
    assert {e.actor for e in original + thumbnail} == {officer}

    # A colleague's reads are their own entries.
    colleague = make_staff("tn2", agency=agency_tree["ward"], role=Role.RECEPTION)
    verified_client(colleague).get(f"/backoffice/tiep-nhan/lo-quet/{batch.pk}/goc/")
    assert len(entries("scan_batch.original_opened")) == 2
