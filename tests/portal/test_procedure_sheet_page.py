"""The public procedure sheet and the procedures API: everything a citizen looks
for on the national portal, with the legal basis linked to the library."""

import datetime as dt
from pathlib import Path

import pytest

from backoffice.procedures.services import procedures_import
from tests.fixtures.procedures import as_json, procedure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]

DECREE = {
    "number_symbol": "30/2020/NĐ-CP",
    "document_type": "nghi-dinh",
    "issuer": "Chính phủ",
    "issued_date": dt.date(2020, 3, 5),
    "effective_date": dt.date(2020, 3, 5),
    "subject": "Về công tác văn thư",
}
TEMPLATES = Path(__file__).resolve().parents[2] / "backoffice" / "procedures" / "data"


@pytest.fixture
def sheet(agency_tree, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    data = procedure(
        steps=["Nộp tờ khai tại Bộ phận Một cửa", "Nhận Giấy khai sinh"],
        channels=["counter", "online", "post"],
        applicant_types=["citizen", "organisation", "business"],
        conditions="Xuất trình giấy tờ tùy thân.",
        legal_basis="Nghị định số 30/2020/NĐ-CP; Luật Hộ tịch số 60/2014/QH13",
    )
    data["components"][0]["template"] = "to-khai-dang-ky-khai-sinh.docx"
    procedures_import(
        actor=None,
        name="p.json",
        content=as_json(data),
        template_dir=TEMPLATES / "templates",
    )


def test_sheet_shows_steps_channels_applicants_conditions_and_template(
    client, sheet
) -> None:
    html = client.get("/thu-tuc/1.001193/").content.decode()
    for text in (
        "Trình tự thực hiện",
        "Nộp tờ khai tại Bộ phận Một cửa",
        "Trực tiếp tại Bộ phận Một cửa; Trực tuyến; Qua dịch vụ bưu chính",
        "Công dân; Tổ chức; Doanh nghiệp",
        "Xuất trình giấy tờ tùy thân.",
        "Tải mẫu",
        "(DOCX)",
    ):
        assert text in html
    start = html.index('class="template-download" href="') + 32
    url = html[start : html.index('"', start)]
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_legal_basis_links_only_published_documents(client, sheet, publish) -> None:
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Nghị định số 30/2020/NĐ-CP" in html
    assert "<a href" not in html[html.index('id="legal-basis"') :].split("</dd>")[0]
    document = publish(**DECREE)
    html = client.get("/thu-tuc/1.001193/").content.decode()
    legal = html[html.index('id="legal-basis"') :].split("</dd>")[0]
    assert legal.count("<a href") == 1
    href = legal[legal.index('<a href="') + 9 :].split('"')[0]
    page = client.get(href)
    assert page.status_code == 200
    assert document.subject[:30] in page.content.decode()
    # The law is not in the library: shown as text, not linked.
    assert "Luật Hộ tịch số 60/2014/QH13</li>" in legal


def test_api_carries_the_sheet(client, sheet, publish) -> None:
    publish(**DECREE)
    body = client.get("/api/v1/procedures/1.001193").json()
    assert body["steps"] == ["Nộp tờ khai tại Bộ phận Một cửa", "Nhận Giấy khai sinh"]
    assert body["channels"] == ["counter", "online", "post"]
    assert body["applicant_types"] == ["citizen", "organisation", "business"]
    assert body["conditions"] == "Xuất trình giấy tờ tùy thân."
    assert body["components"][0]["template_url"].endswith(".docx")
    assert body["components"][1]["template_url"] == ""
    decree, law = body["legal_basis"]
    assert decree["number_symbol"] == "30/2020/NĐ-CP" and decree["url"]
    assert law == {
        "text": "Luật Hộ tịch số 60/2014/QH13",
        "number_symbol": "60/2014/QH13",
        "url": "",
    }
    schema = client.get("/api/v1/openapi.json").json()
    out = schema["components"]["schemas"]["ProcedureOut"]["properties"]
    for name in ("code", "name", "components", "steps", "legal_basis", "channels"):
        assert name in out
