"""Scoped reads: another agency's staff see nothing; the disposal list holds the
closed files whose retention has ended, never permanent ones."""

import datetime as dt

import pytest

from backoffice.records.constants import ItemKind
from backoffice.records.models import EFile
from backoffice.records.selectors import (
    catalogue_for_staff,
    disposal_proposals,
    efiles_for_staff,
    filing_candidates,
)
from backoffice.records.services import (
    catalogue_entry_create,
    efile_close,
    efile_file,
    efile_open,
)
from tests.fixtures.records import make_incoming

pytestmark = pytest.mark.django_db


def test_another_agency_sees_no_catalogue_and_no_files(desk) -> None:
    efile_open(actor=desk.clerk, entry=desk.entry)
    year = desk.entry.year
    assert catalogue_for_staff(user=desk.clerk, agency=desk.agency, year=year).count()
    assert not catalogue_for_staff(user=desk.outsider, agency=desk.agency, year=year)
    assert not efiles_for_staff(user=desk.outsider).exists()
    assert not efiles_for_staff(user=desk.specialist).exists()
    assert efiles_for_staff(user=desk.leader).count() == 1


def test_candidates_are_unfiled_documents_of_the_agency(desk) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    filed = make_incoming(desk.agency, 31)
    free = make_incoming(desk.agency, 32)
    make_incoming(desk.tree["justice"], 33)
    efile_file(actor=desk.clerk, efile=efile, kind=ItemKind.INCOMING, target=filed)
    found = filing_candidates(efile=efile, kind=ItemKind.INCOMING, text="UBND-VP")
    assert found == [free]
    assert filing_candidates(efile=efile, kind=ItemKind.INCOMING, text="32") == [free]
    assert filing_candidates(efile=efile, kind=ItemKind.INCOMING, text="") == []


def _closed(desk, retention, code: str, closed_on: dt.date) -> EFile:
    entry = catalogue_entry_create(
        actor=desk.clerk,
        agency=desk.agency,
        year=closed_on.year,
        code=code,
        title=code,
        retention=retention,
    )
    efile = efile_open(actor=desk.clerk, entry=entry, opened_on=closed_on)
    efile_file(
        actor=desk.clerk,
        efile=efile,
        kind=ItemKind.INCOMING,
        target=make_incoming(desk.agency, 100 + len(code) + closed_on.year),
    )
    return efile_close(actor=desk.clerk, efile=efile, closed_on=closed_on)


def test_disposal_list_holds_files_whose_retention_ended(desk) -> None:
    today = dt.date(2026, 6, 30)
    ended = _closed(desk, desk.ten_years, "A", dt.date(2016, 6, 30))
    _closed(desk, desk.ten_years, "BB", dt.date(2016, 7, 1))  # ends tomorrow
    _closed(desk, desk.permanent, "CCC", dt.date(1990, 1, 1))  # never
    efile_open(actor=desk.clerk, entry=desk.entry)  # open: never
    assert list(disposal_proposals(user=desk.clerk, today=today)) == [ended]
    assert not disposal_proposals(user=desk.outsider, today=today).exists()
    # Nothing was deleted by listing.
    assert EFile.objects.count() == 4
