import pytest

pytestmark = pytest.mark.django_db


def test_procedure_list_contract(client, catalogue) -> None:
    data = client.get("/api/v1/procedures").json()
    assert data["count"] == 3
    item = next(p for p in data["results"] if p["code"] == "1.001193")
    assert set(item) >= {
        "code",
        "name",
        "field",
        "agencies",
        "processing_days",
        "components",
    }
    assert item["agencies"] == ["000.01.31.H53"]
    assert item["components"][0]["name"] == "Tờ khai đăng ký khai sinh"


def test_procedure_list_filters_and_pages(client, catalogue) -> None:
    assert (
        client.get("/api/v1/procedures", {"agency": "000.00.04.H53"}).json()["count"]
        == 1
    )
    assert client.get("/api/v1/procedures", {"q": "khai sinh"}).json()["count"] == 1
    page = client.get("/api/v1/procedures", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 1


def test_procedure_detail_and_404(client, catalogue) -> None:
    assert client.get("/api/v1/procedures/2.000635").json()["processing_days"] == 1
    assert client.get("/api/v1/procedures/9.999999").status_code == 404


def test_openapi_document_describes_the_api(client, db) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/procedures" in schema["paths"]
    assert "/api/v1/dossiers/{code}/status" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content  # works on an intranet without internet
