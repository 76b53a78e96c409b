"""Document search with any date the schema accepts (issue 18).

`date_from=1437-04-04` ended in a 500: the embedded engine (tantivy) holds dates
only from 1677-09-21 to 2262-04-11 and raised ValueError for a range bound outside
them, and `date_to=9999-12-31` overflowed computing the next day on both backends.
A bound beyond what an engine holds is now that engine's limit: nothing lies
beyond it, so the answer is the same as without the bound.
"""

from datetime import date

import pytest

from search import SearchQuery
from search.backends.cluster_body import search_body
from tests.fixtures.api import SEARCH, call
from tests.search.conftest import DocIndex

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]

URL = "/api/v1/documents/search"


@pytest.mark.parametrize(
    ("dates", "count"),
    [
        ({"date_from": "1437-04-04"}, 3),
        ({"date_from": "0001-01-01", "date_to": "9999-12-31"}, 3),
        ({"date_to": "9999-12-31"}, 3),
        ({"date_from": "1677-09-21", "date_to": "2262-04-11"}, 3),
        ({"date_to": "1500-01-01"}, 0),
        ({"date_from": "2263-01-01"}, 0),
        ({"date_from": "1437-04-04", "date_to": "2016-12-31"}, 2),
        ({"date_from": "2016-01-01", "date_to": "9999-12-31"}, 2),
    ],
)
def test_out_of_range_dates_are_answered(api, small_library, dates, count):
    data = call(api, SEARCH, 200, query=dates).json()
    assert data["count"] == count


def test_the_library_page_takes_the_same_dates(client, small_library):
    page = client.get("/van-ban/", {"from": "1437-04-04", "to": "9999-12-31"})
    assert page.status_code == 200
    assert "110/2004/NĐ-CP" in page.content.decode()


@pytest.mark.parametrize("value", ["0", "1700000000", "20160714", "14/07/2016", ""])
def test_only_iso_dates_are_dates(api, small_library, value):
    # pydantic read "0" as a Unix time (1970-01-01) and answered 200 to a value
    # the schema (`format: date`) calls invalid.
    body = call(api, SEARCH, 422, query={"date_to": value}).json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["loc"] == ["query", "date_to"]


def test_a_page_past_the_search_window_is_a_declared_400(api, small_library):
    body = call(api, SEARCH, 400, query={"page": "36368265305"}).json()
    assert body["code"] == "bad_request"
    assert "10000" in body["detail"]
    english = call(
        api, SEARCH, 400, language="en", query={"page": "101", "page_size": "100"}
    ).json()
    assert english["detail"] == (
        "Only the first 10000 results can be viewed; please narrow the search."
    )


def test_elasticsearch_range_has_no_day_after_date_max():
    def date_range(**dates) -> dict:
        request = search_body(DocIndex(), SearchQuery(date_field="issued", **dates))
        (clause,) = request["query"]["bool"]["filter"]
        return clause["range"]["issued"]

    assert date_range(date_from=date(1437, 4, 4), date_to=date.max) == {
        "gte": "1437-04-04",
        "format": "strict_date_optional_time",
    }
    assert date_range(date_to=date(2016, 12, 31))["lt"] == "2017-01-01"
