"""Administrators manage the trust store as a Wagtail snippet; edits are audited."""

from django.contrib.auth.models import Permission

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry
from backoffice.signatures.models import TrustedCertificate

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/signatures/trustedcertificate/add/"


@pytest.fixture
def admin_client(agency_tree, make_staff, verified_client):
    admin = make_staff("quantri", agency=agency_tree["province"], role=Role.ADMIN)
    # The admin role's group does not list this model yet; grant it directly.
    admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="signatures")
    )
    return verified_client(admin)


def test_admin_adds_a_root_through_wagtail(admin_client, test_pki) -> None:
    assert admin_client.get(ADD_URL).status_code == 200
    response = admin_client.post(
        ADD_URL,
        {
            "name": "",
            "kind": "root",
            "pem": test_pki.root_pem.decode(),
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    row = TrustedCertificate.objects.get()
    assert row.name == "Demo Root CA — UBND tỉnh Sóc Trăng"
    assert len(row.fingerprint_sha256) == 64
    entry = AuditLogEntry.objects.get(action="trustedcertificate.created")
    assert entry.actor_repr == "quantri"
    listing = admin_client.get("/admin/snippets/signatures/trustedcertificate/")
    assert "Demo Root CA" in listing.content.decode()


def test_garbage_pem_is_refused_in_the_admin(admin_client) -> None:
    response = admin_client.post(
        ADD_URL, {"name": "Rác", "kind": "root", "pem": "xin chào", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "Không đọc được chứng thư số" in response.content.decode()
    assert not TrustedCertificate.objects.exists()
