"""The retention schedule and the catalogue in the Wagtail admin: the agency
administrator role may edit them; a duplicate code gets a clear error."""

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry
from backoffice.records.models import CatalogueEntry, RetentionPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(desk, make_staff, verified_client):
    return verified_client(make_staff("quantri", agency=desk.agency, role=Role.ADMIN))


def test_administrator_keeps_the_retention_schedule(desk, admin_client) -> None:
    listing = admin_client.get("/admin/snippets/records/retentionperiod/")
    assert listing.status_code == 200
    assert "Hồ sơ sự việc" in listing.content.decode()
    added = admin_client.post(
        "/admin/snippets/records/retentionperiod/add/",
        {"agency": desk.agency.pk, "name": "Tài liệu tham khảo", "years": 5},
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    period = RetentionPeriod.objects.get(name="Tài liệu tham khảo")
    assert AuditLogEntry.objects.filter(
        action="retentionperiod.created", object_id=str(period.pk)
    ).exists()


def test_duplicate_catalogue_code_in_the_admin_is_refused(desk, admin_client) -> None:
    answer = admin_client.post(
        "/admin/snippets/records/catalogueentry/add/",
        {
            "agency": desk.agency.pk,
            "year": desk.entry.year,
            "code": "01.HC",
            "title": "Trùng",
            "retention": desk.permanent.pk,
        },
    )
    assert answer.status_code == 200
    assert "đã có số, ký hiệu đó" in answer.content.decode()
    assert CatalogueEntry.objects.count() == 1
