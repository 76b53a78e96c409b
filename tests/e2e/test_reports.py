"""A leader opens the report, switches the period, downloads the XLSX and the PDF;
the public statistics page reads well at 390 px. In a real browser."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from backoffice.core.constants import Role
from backoffice.reports.statistics import statistics_refresh
from tests.backoffice.reports import conftest as report_fixtures
from tests.e2e.conftest import ARTIFACTS
from tests.fixtures.browser import no_horizontal_scroll, sign_in
from tests.fixtures.reports import NOW

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

# The hand-built dataset of the report tests (every figure counted by hand).
report_dataset = report_fixtures.report_dataset
second_procedure = report_fixtures.second_procedure


def test_leader_report_downloads_and_public_statistics(
    live_server, page: Page, browser: Browser, report_dataset, make_staff, agency_tree
) -> None:
    base = live_server.url
    leader = make_staff(
        "tinh-lanh-dao", agency=agency_tree["province"], role=Role.LEADER
    )
    sign_in(page, base, leader)

    page.goto(base + "/backoffice/bao-cao/")
    page.select_option("#id_year", "2026")
    page.select_option("#id_half", "H1")
    page.click("#report-submit")
    expect(page.locator("#report-period")).to_have_text("6 tháng đầu năm 2026")
    expect(page.locator("#report-scope")).to_have_text("Toàn tỉnh")
    expect(page.locator("#section-dossiers table")).to_contain_text("9")
    expect(page.locator("#section-on_time_agency figure img")).to_be_visible()

    # Switch to the whole year: d10 (July) joins.
    page.select_option("#id_half", "")
    page.click("#report-submit")
    expect(page.locator("#report-period")).to_have_text("Năm 2026")
    total = page.locator("#section-dossiers tbody tr").first.locator("td")
    expect(total).to_have_text("10")

    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename == "bao-cao-2026-tinh.xlsx"
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    figures = {r[0]: r[1] for r in book["dossiers"].iter_rows(values_only=True)}
    assert figures["Tổng số hồ sơ tiếp nhận"] == 10

    with page.expect_download() as download:
        page.click("#download-pdf")
    with open(download.value.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Năm 2026" in text
    assert "Tổng số hồ sơ tiếp nhận" in text

    # A phone, 390 px: the report and the public page fit without sideways scroll.
    narrow = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    phone = narrow.new_page()
    phone.set_default_timeout(15_000)
    statistics_refresh(now=NOW)
    phone.goto(base + "/")
    phone.locator("#footer-statistics").click()
    expect(phone.locator("h1")).to_contain_text("Thống kê giải quyết hồ sơ")
    expect(phone.locator("#statistics-updated")).to_contain_text("cập nhật lúc")
    expect(phone.locator("#statistics-agencies")).to_contain_text("UBND Phường 1")
    expect(phone.locator("#statistics-chart img")).to_be_visible()
    no_horizontal_scroll(phone)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "public-statistics-390.png"), full_page=True)
    narrow.close()

    phone_page = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}
    ).new_page()
    phone_page.set_default_timeout(15_000)
    sign_in(
        phone_page,
        base,
        make_staff("phuong-lanh-dao", agency=agency_tree["ward"], role=Role.LEADER),
    )
    phone_page.goto(base + "/backoffice/bao-cao/?period=2026-H1")
    expect(phone_page.locator("#report-scope")).to_contain_text("UBND Phường 1")
    no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=str(ARTIFACTS / "report-390.png"), full_page=True)
