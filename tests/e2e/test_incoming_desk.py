"""A document clerk runs a day's intake in a real browser: a signed PDF brought to
the desk, a saved official e-mail, registration, the register printed and
exported; the leader then assigns the document. Also at 390 px wide."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from backoffice.incoming.models import IncomingDocument
from tests.backoffice.incoming import conftest as incoming
from tests.backoffice.incoming.conftest import make_mail
from tests.e2e.conftest import ARTIFACTS
from tests.fixtures.browser import no_horizontal_scroll, sign_in

# The incoming tests' fixtures, under names of this module.
incoming_desk = incoming.desk
incoming_pdfs = incoming.pdfs
_incoming_trust = incoming._isolated_trust

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def test_clerk_receives_registers_prints_and_leader_assigns(
    live_server,
    page: Page,
    browser: Browser,
    incoming_desk,
    incoming_pdfs,
    celery_eager,
    tmp_path,
) -> None:
    import io

    desk, pdfs = incoming_desk, incoming_pdfs

    base = live_server.url
    sign_in(page, base, desk["clerk"])
    page.goto(base + "/backoffice/")
    page.click("#link-incoming")
    expect(page.locator("h1")).to_have_text("Văn bản đến")

    # A signed PDF brought to the desk.
    page.click("#link-receive")
    pdf = tmp_path / "15-UBND-VP.pdf"
    pdf.write_bytes(pdfs["signed"])
    page.set_input_files("#id_upload-main", str(pdf))
    page.fill("#id_upload-delivered_by", "Nguyễn Văn Bưu, bưu điện tỉnh")
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận văn bản")
    expect(page.locator("#incoming-verdict")).to_contain_text("Hợp lệ")
    expect(page.locator("#id_number_symbol")).to_have_value("15/UBND-VP")
    page.fill("#id_issuer_name", "UBND tỉnh Sóc Trăng")
    page.fill("#id_subject", "Triển khai tiếp nhận văn bản điện tử")
    page.select_option("#id_document_type", "cong-van")
    page.fill("#id_storage_location", "Tủ 2, ngăn 3")
    page.screenshot(path=str(ARTIFACTS / "incoming-register-form.png"), full_page=True)
    page.locator("#register-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã vào sổ văn bản đến")
    expect(page.locator("h1")).to_contain_text("Văn bản đến số 1/")

    # A saved official e-mail with a PDF and a spreadsheet.
    eml = tmp_path / "thu.eml"
    eml.write_bytes(
        make_mail(
            attachments=[
                ("giay-moi.pdf", pdfs["foreign"], "application/pdf"),
                ("danh-sach.xlsx", b"PK\x03\x04 sheet", "application/octet-stream"),
            ],
            subject="Giấy mời họp triển khai",
        )
    )
    page.goto(base + "/backoffice/van-ban-den/tiep-nhan/")
    page.set_input_files("#id_eml-messages", str(eml))
    page.locator("#eml-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận 1 văn bản")
    expect(page.locator(".messages")).to_contain_text("danh-sach.xlsx")
    expect(page.locator("#incoming-list")).to_contain_text("Giấy mời họp triển khai")
    expect(page.locator("#incoming-list")).to_contain_text("Không được tin cậy")

    # The register for the year prints and exports.
    page.click("#link-register")
    expect(page.locator("#incoming-register")).to_contain_text("15/UBND-VP")
    expect(page.locator("#incoming-register thead")).to_contain_text(
        "Trích yếu nội dung"
    )
    here = page.url.split("?")[0]
    xlsx = page.request.get(here + page.get_attribute("#export-xlsx", "href"))
    sheet = load_workbook(io.BytesIO(xlsx.body())).active
    assert sheet.cell(row=4, column=4).value == "15/UBND-VP"
    pdf_export = page.request.get(here + page.get_attribute("#export-pdf", "href"))
    assert pdf_export.body().startswith(b"%PDF")
    page.screenshot(path=str(ARTIFACTS / "incoming-register.png"), full_page=True)

    # The same pages work on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/backoffice/van-ban-den/", "/backoffice/van-ban-den/tiep-nhan/"):
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "incoming-desk-390.png"), full_page=True)

    # The leader assigns the registered document.
    document = IncomingDocument.objects.get(incoming_number=1)
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    leader = context.new_page()
    leader.set_default_timeout(15_000)
    try:
        sign_in(leader, base, desk["leader"])
        leader.goto(base + "/backoffice/van-ban-den/?tab=to_assign")
        leader.get_by_role("link", name="15/UBND-VP").click()
        expect(leader.locator("#assign-form")).to_be_visible()
        no_horizontal_scroll(leader)
        leader.fill("#id_instruction", "Giao phòng CNTT chủ trì, báo cáo trước hạn.")
        leader.select_option("#id_lead", str(desk["specialist"].pk))
        leader.fill("#id_handling_days", "3")
        leader.locator("#assign-form button[type=submit]").click()
        expect(leader.locator(".messages")).to_contain_text("Đã phân công xử lý")
        expect(leader.locator("#instruction")).to_contain_text("phòng CNTT")
        leader.screenshot(
            path=str(ARTIFACTS / "incoming-assigned-390.png"), full_page=True
        )
    finally:
        context.close()
    document.refresh_from_db()
    assert document.lead == desk["specialist"] and document.due_at is not None
