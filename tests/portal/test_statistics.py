"""The portal's public statistics page (/thong-ke/)."""

from django.core.cache import cache

import pytest

from backoffice.reports.statistics import statistics_refresh
from tests.backoffice.reports import conftest as report_fixtures
from tests.fixtures.reports import NOW

# The hand-built dataset of the report tests (every figure counted by hand).
report_dataset = report_fixtures.report_dataset
second_procedure = report_fixtures.second_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_page_shows_each_agency_and_procedure(report_dataset, client):
    statistics_refresh(now=NOW)
    response = client.get("/thong-ke/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cập nhật lúc 10:00 10/07/2026" in page
    assert 'src="data:image/svg+xml;base64,' in page
    agencies = {a.code: a for a in response.context["agencies"]}
    ward = agencies["000.01.31.H53"]
    assert (ward.received, ward.on_time, ward.late, ward.on_time_rate) == (
        9,
        3,
        3,
        50.0,
    )
    assert "UBND Phường 1" in page
    assert "50,0%" in page  # Vietnamese decimal comma
    assert "1.001193 — " in page
    assert "2,33/5 (3)" in page
    assert "Sở Tư pháp" in page


def test_the_page_is_served_from_the_cache_until_the_next_snapshot(
    report_dataset, client, django_assert_max_num_queries
):
    statistics_refresh(now=NOW)
    client.get("/thong-ke/")
    with django_assert_max_num_queries(3):  # session-less: the snapshot id only
        client.get("/thong-ke/")
    snapshot = statistics_refresh(now=NOW)
    response = client.get("/thong-ke/")
    assert response.context["snapshot"].pk == snapshot.pk


def test_before_any_refresh_the_page_says_so(db, client):
    response = client.get("/thong-ke/")
    assert response.status_code == 200
    assert "Chưa có số liệu thống kê." in response.content.decode()


def test_the_footer_links_to_the_page(db, client):
    response = client.get("/thong-ke/")
    assert 'id="footer-statistics"' in response.content.decode()
    assert 'href="/thong-ke/"' in response.content.decode()


def test_the_english_page(report_dataset, client):
    statistics_refresh(now=NOW)
    response = client.get("/en/thong-ke/")
    assert response.status_code == 200
