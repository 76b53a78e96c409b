"""The report page and its downloads: who may see what, bad input, exports."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from backoffice.core.constants import Role

pytestmark = pytest.mark.django_db
URL = "/backoffice/bao-cao/"


@pytest.fixture
def ward_leader(make_staff, agency_tree):
    return make_staff("ward-leader", agency=agency_tree["ward"], role=Role.LEADER)


@pytest.fixture
def province_admin(make_staff, agency_tree):
    return make_staff("province-admin", agency=agency_tree["province"], role=Role.ADMIN)


def test_a_leader_sees_the_report_of_the_agency_with_charts(
    report_dataset, ward_leader, verified_client
):
    client = verified_client(ward_leader)
    response = client.get(URL, {"period": "2026-H1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 tháng đầu năm 2026" in page
    assert "UBND Phường 1" in page
    assert page.count('src="data:image/svg+xml;base64,') == 5
    # The ward's 7 dossiers, not the province's 9; the justice department unseen.
    assert response.context["report"]["dossiers"]["total"] == 7
    assert "Sở Tư pháp" not in page
    assert "Toàn tỉnh" not in page  # no provincial option for a ward leader


def test_year_and_half_fields_pick_the_period(
    report_dataset, ward_leader, verified_client
):
    client = verified_client(ward_leader)
    response = client.get(URL, {"year": "2026", "half": ""})
    assert response.context["report"]["period"]["key"] == "2026"
    response = client.get(URL, {"year": "2026", "half": "H2"})
    assert response.context["report"]["period"]["key"] == "2026-H2"


def test_an_agency_the_leader_may_not_see_is_404_and_leaks_nothing(
    report_dataset, ward_leader, verified_client
):
    client = verified_client(ward_leader)
    for code in ("000.00.04.H53", "000.00.00.H53", "không-có"):
        response = client.get(URL, {"period": "2026-H1", "agency": code})
        assert response.status_code == 404
        assert b"T-d8" not in response.content
        response = client.get(URL + "tai-ve.xlsx", {"period": "2026", "agency": code})
        assert response.status_code == 404


def test_the_province_is_for_the_provincial_administrator(
    report_dataset, province_admin, verified_client
):
    response = verified_client(province_admin).get(URL, {"period": "2026-H1"})
    assert response.status_code == 200
    assert response.context["report"]["scope"]["agency"] is None
    assert response.context["report"]["dossiers"]["total"] == 9


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.CLERK, Role.RECEPTION])
def test_other_roles_are_refused(
    report_dataset, make_staff, agency_tree, verified_client, role
):
    user = make_staff(f"u-{role}", agency=agency_tree["ward"], role=role)
    client = verified_client(user)
    assert client.get(URL, {"period": "2026"}).status_code == 403
    assert client.get(URL + "tai-ve.pdf", {"period": "2026"}).status_code == 403


@pytest.mark.parametrize("bad", ["2026-H3", "20x6", "2999", "2999-H1"])
def test_a_bad_or_future_period_is_explained(
    report_dataset, ward_leader, verified_client, bad
):
    client = verified_client(ward_leader)
    response = client.get(URL, {"period": bad})
    assert response.status_code == 400
    assert response.context["report"] is None
    assert "Kỳ báo cáo" in response.content.decode()
    assert client.get(URL + "tai-ve.xlsx", {"period": bad}).status_code == 400


def test_an_unknown_export_format_is_404(ward_leader, verified_client):
    response = verified_client(ward_leader).get(URL + "tai-ve.csv", {"period": "2026"})
    assert response.status_code == 404


def test_xlsx_download_has_a_sheet_per_section_with_the_figures(
    report_dataset, province_admin, verified_client
):
    response = verified_client(province_admin).get(
        URL + "tai-ve.xlsx", {"period": "2026-H1"}
    )
    assert response.status_code == 200
    assert "bao-cao-2026-H1-tinh.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert {"incoming", "outgoing", "dossiers", "on_time_agency", "scans"} <= set(
        book.sheetnames
    )
    dossiers = {row[0]: row[1] for row in book["dossiers"].iter_rows(values_only=True)}
    assert dossiers["Tổng số hồ sơ tiếp nhận"] == 9
    # Built today (after 20 July 2026), d5 is overdue too: 3 on time, 3 late.
    assert dossiers["Tỷ lệ đúng hạn (%)"] == 50.0
    agencies = list(book["on_time_agency"].iter_rows(min_row=3, values_only=True))
    ward = next(r for r in agencies if r[0] == "000.01.31.H53")
    assert ward[2:8] == (7, 2, 3, 1, 1, 40.0)
    scans = {row[0]: row[1] for row in book["scans"].iter_rows(values_only=True)}
    assert scans["Trang đã số hóa vào hồ sơ"] == 2


def test_pdf_download_carries_the_figures_and_the_charts(
    report_dataset, province_admin, verified_client
):
    response = verified_client(province_admin).get(
        URL + "tai-ve.pdf", {"period": "2026-H1"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "6 tháng đầu năm 2026" in text
    assert "Tổng số hồ sơ tiếp nhận" in text
    assert "Sở TT&TT" not in text  # no dossiers there: not listed
    assert "UBND Phường 1" in text
    images = sum(len(page.images) for page in reader.pages)
    assert images == 5
