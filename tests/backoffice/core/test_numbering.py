from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction

import pytest

from backoffice.core.numbering import register_number_last, register_number_next
from tests.fixtures.databases import postgresql_only


def take(agency, register="incoming", year=2026, series=""):
    with transaction.atomic():
        return register_number_next(
            agency=agency, register=register, year=year, series=series
        )


@pytest.mark.django_db
def test_numbers_are_consecutive_per_agency_register_year_and_series(agency_tree):
    ward, dept = agency_tree["ward"], agency_tree["justice"]
    assert [take(ward) for _ in range(3)] == [1, 2, 3]
    assert take(dept) == 1
    assert take(ward, register="outgoing") == 1
    assert take(ward, year=2027) == 1
    assert take(ward, register="outgoing", series="QĐ") == 1
    assert register_number_last(agency=ward, register="incoming", year=2026) == 3
    assert register_number_last(agency=ward, register="incoming", year=2025) == 0


@pytest.mark.django_db
def test_a_rolled_back_registration_gives_its_number_back(agency_tree):
    ward = agency_tree["ward"]
    assert take(ward) == 1
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        assert register_number_next(agency=ward, register="incoming", year=2026) == 2
        raise RuntimeError("boom")
    assert take(ward) == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused(agency_tree):
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        register_number_next(agency=agency_tree["ward"], register="incoming", year=2026)


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_concurrent_takers_get_distinct_gap_free_numbers(agency_tree):
    ward = agency_tree["ward"]

    def one(_: int) -> int:
        try:
            return take(ward)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = sorted(pool.map(one, range(100)))
    assert numbers == list(range(1, 101))
