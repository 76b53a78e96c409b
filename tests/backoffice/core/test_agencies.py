from django.core.exceptions import ValidationError

import pytest

from backoffice.core.constants import AgencyLevel
from backoffice.core.models import Agency, AuditLogEntry
from backoffice.core.services import agency_upsert
from backoffice.core.validators import is_valid_agency_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code", ["000.00.00.H49", "000.01.31.H53", "G09.20", "H53.11.02", "G09"]
)
def test_valid_codes_in_both_formats(code: str) -> None:
    assert is_valid_agency_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "000.00.00",
        "00.00.00.H49",
        "000.00.00.h49",
        "000-00-00-H49",
        "G9.20",
        "g09.20",
        "G09." + ".".join(["AB"] * 12),
        "G09..20",
        "<script>",
    ],
)
def test_invalid_codes(code: str) -> None:
    assert not is_valid_agency_code(code)


def test_agency_upsert_refuses_an_invalid_code_and_saves_nothing() -> None:
    with pytest.raises(ValidationError, match="không hợp lệ"):
        agency_upsert(actor=None, code="ABC", name="Sai mã", level=AgencyLevel.OTHER)
    assert not Agency.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_agency_upsert_is_idempotent_and_audited() -> None:
    agency_upsert(
        actor=None, code="000.00.00.H53", name="UBND tỉnh", level=AgencyLevel.PROVINCE
    )
    agency_upsert(
        actor=None, code="000.00.00.H53", name="UBND tỉnh", level=AgencyLevel.PROVINCE
    )
    assert Agency.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="agency.created").count() == 1
    agency_upsert(
        actor=None,
        code="000.00.00.H53",
        name="UBND tỉnh Sóc Trăng",
        level=AgencyLevel.PROVINCE,
    )
    entry = AuditLogEntry.objects.get(action="agency.updated")
    assert entry.before["name"] == "UBND tỉnh"
    assert entry.after["name"] == "UBND tỉnh Sóc Trăng"


def test_parent_cycle_is_refused(agency_tree) -> None:
    province = agency_tree["province"]
    province.parent = agency_tree["ward"]
    with pytest.raises(ValidationError, match="cấp dưới"):
        province.full_clean()


def test_superseded_agency_points_to_its_successor(agency_tree) -> None:
    successor = Agency.objects.create(code="000.00.00.H17", name="UBND TP Cần Thơ")
    province = agency_tree["province"]
    province.superseded_by = successor
    province.save()
    assert province.current() == successor
    assert agency_tree["ict"].current() == agency_tree["ict"]
