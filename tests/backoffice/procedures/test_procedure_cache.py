"""`procedure_get` serves procedures from the cache and never serves a stale one:
any change to the catalogue (admin, import, shell) starts a new cache generation."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from backoffice.procedures.models import ProcedureComponent
from backoffice.procedures.selectors import procedure_get

pytestmark = pytest.mark.django_db


def read(code="1.001193"):
    with CaptureQueriesContext(connection) as queries:
        procedure = procedure_get(code=code)
    return procedure, len(queries)


def test_a_second_read_needs_no_query(birth_registration):
    first, _ = read()
    again, queries = read()
    assert queries == 0
    assert again.pk == first.pk
    assert [c.pk for c in again.components.all()] == [
        c.pk for c in first.components.all()
    ]
    assert {a.code for a in again.agencies.all()} == {"000.01.31.H53"}


def test_component_changes_are_seen_at_once(birth_registration):
    read()
    ProcedureComponent.objects.create(
        procedure=birth_registration, name="Giấy mới", sort_order=99, required=False
    )
    procedure, queries = read()
    assert queries > 0
    assert "Giấy mới" in [c.name for c in procedure.components.all()]


def test_agency_links_and_withdrawal_are_seen_at_once(birth_registration, agency_tree):
    read()
    # A parental (modelcluster) relation: written by save(), as the admin does.
    birth_registration.agencies.add(agency_tree["city"])
    birth_registration.save()
    procedure, _ = read()
    assert {a.code for a in procedure.agencies.all()} == {
        "000.01.31.H53",
        "000.00.31.H53",
    }
    birth_registration.is_active = False
    birth_registration.save()
    assert read()[0] is None


def test_agency_renames_are_seen_at_once(birth_registration, agency_tree):
    read()
    ward = agency_tree["ward"]
    ward.name = "UBND Phường 1 (mới)"
    ward.save()
    procedure, _ = read()
    assert [a.name for a in procedure.agencies.all()] == ["UBND Phường 1 (mới)"]


@pytest.mark.parametrize("code", ["", "a b"])
def test_unusable_codes_are_read_from_the_database_only(code):
    procedure, queries = read(code)
    assert procedure is None
    assert queries == 1


@pytest.mark.parametrize("code", ["x" * 200, "1.0\x00"])
def test_impossible_codes_are_not_looked_up(code):
    procedure, queries = read(code)
    assert procedure is None
    assert queries == 0
