"""`GET /api/v1/documents/search`: the library's search as JSON (DESIGN.md §5)."""

import pytest

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]

URL = "/api/v1/documents/search"


def test_search_contract(client, small_library):
    data = client.get(URL, {"q": "cong tac van thu"}).json()
    assert data["count"] == 2 and data["page"] == 1 and data["page_size"] == 20
    first = data["results"][0]
    assert set(first) >= {
        "number_symbol",
        "subject",
        "type",
        "issuer",
        "issued_date",
        "url",
        "highlight",
    }
    decree = next(r for r in data["results"] if r["number_symbol"] == "30/2020/NĐ-CP")
    assert decree["type"] == "nghi-dinh" and decree["issuer"] == "Chính phủ"
    assert decree["issued_date"] == "2020-03-05"
    assert decree["signature_verdict"] == "valid"
    assert decree["url"] == "http://testserver/van-ban/30-2020-nd-cp/"
    assert "<mark>" in decree["highlight"]["subject"]
    assert {"type", "issuer", "field", "year"} <= set(data["facets"])
    assert {"value": "nghi-dinh", "label": "Nghị định", "count": 2} in data["facets"][
        "type"
    ]


def test_filters_sort_and_pages(client, small_library):
    assert client.get(URL, {"type": "quyet-dinh"}).json()["count"] == 1
    assert client.get(URL, {"issuer": "Chính phủ"}).json()["count"] == 2
    assert client.get(URL, {"field": "Văn thư, lưu trữ"}).json()["count"] == 3
    assert client.get(URL, {"year": "2016"}).json()["count"] == 1
    oldest = client.get(URL, {"sort": "date_asc", "page_size": 1, "page": 1}).json()
    assert oldest["count"] == 3 and len(oldest["results"]) == 1
    assert oldest["results"][0]["number_symbol"] == "110/2004/NĐ-CP"
    second = client.get(URL, {"sort": "date_asc", "page_size": 1, "page": 2}).json()
    assert second["results"][0]["number_symbol"] == "15/2016/QĐ-UBND"
    window = client.get(
        URL, {"date_from": "2016-01-01", "date_to": "2016-12-31"}
    ).json()
    assert [r["number_symbol"] for r in window["results"]] == ["15/2016/QĐ-UBND"]


def test_empty_and_bad_input(client, small_library):
    assert client.get(URL, {"q": "không có gì như thế"}).json()["count"] == 0
    assert client.get(URL, {"date_from": "14/07/2016"}).status_code == 422
    big = client.get(URL, {"page_size": 1000}).json()
    assert big["page_size"] == 100


def test_openapi_describes_document_search(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/documents/search"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {
        "q",
        "type",
        "issuer",
        "field",
        "year",
        "sort",
        "page",
        "page_size",
    } <= names
    assert "DocumentSearchOut" in schema["components"]["schemas"]
