"""A specialist drafts, a leader returns then approves, a clerk releases (number,
two signatures, dispatch — signed by the worker while the page polls) and prints
the outgoing register, in a real browser; the pages also work at 390 px wide."""

import io
import threading
import time

from django.db import connection

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from backoffice.outgoing import tasks
from backoffice.outgoing.constants import FileKind
from backoffice.outgoing.models import OutgoingDocument
from backoffice.signatures.event_loop import outside_event_loop
from backoffice.signatures.verification import pdf_verify, trust_store
from tests.backoffice.outgoing.conftest import office, pkcs12_keys  # noqa: F401
from tests.e2e.conftest import ARTIFACTS
from tests.fixtures.browser import no_horizontal_scroll, sign_in
from tests.fixtures.signatures import make_pdf

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def signing_worker(monkeypatch):
    """The signing job runs beside the web server, as a worker would, a moment
    after the request (so the page really shows "đang ký" and polls)."""
    threads: list[threading.Thread] = []

    def run(document_id: int) -> None:
        try:
            time.sleep(1.5)
            tasks.sign_outgoing_document.apply(args=[document_id])
        finally:
            connection.close()

    def apply_async(args=None, kwargs=None, **options) -> None:
        # Called by the outbox once the request has committed.
        thread = threading.Thread(target=run, args=(args[0],), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.sign_outgoing_document, "apply_async", apply_async)
    yield threads
    for thread in threads:
        thread.join(timeout=60)


def person(browser: Browser) -> Page:
    """A browser of one's own (each person signs in once: a TOTP code is
    accepted only once)."""
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    new = context.new_page()
    new.set_default_timeout(15_000)
    return new


def test_draft_to_signed_dispatch_in_the_browser(
    live_server,
    page: Page,
    browser: Browser,
    office,  # noqa: F811 — the fixture imported above
    pkcs12_keys,  # noqa: F811
    signing_worker,
    tmp_path,
) -> None:
    base = live_server.url
    main = tmp_path / "du-thao.pdf"
    main.write_bytes(make_pdf(["SỞ TƯ PHÁP", "QUYẾT ĐỊNH", "Ban hành quy chế"]))
    annex = tmp_path / "phu-luc.pdf"
    annex.write_bytes(make_pdf(["PHỤ LỤC"]))

    # The specialist drafts.
    sign_in(page, base, office.specialist)
    page.click("#link-outgoing")
    expect(page.locator("h1")).to_have_text("Văn bản đi")
    page.click("#link-draft")
    page.select_option("#id_document_type", "quyet-dinh")
    page.fill("#id_subject", "Về việc ban hành Quy chế làm việc của Sở Tư pháp")
    page.fill("#id_issuer_symbol", "STP")
    page.fill("#id_drafting_unit", "Văn phòng Sở")
    page.check(f"#id_recipient_agencies input[value='{office.tree['ward'].pk}']")
    page.fill("#id_recipient_emails", "vanthu@example.vn")
    page.set_input_files("#id_main", str(main))
    page.set_input_files("#id_attachments", str(annex))
    page.click("#save-draft")
    expect(page.locator(".messages")).to_contain_text("Đã lưu dự thảo")
    expect(page.locator("#paper-flag")).to_contain_text("Quyết định cá biệt")
    page.click("#submit-draft")
    expect(page.locator("#outgoing-status")).to_have_text("Chờ lãnh đạo duyệt")
    detail = page.url

    # The leader returns it with a comment, the specialist resubmits, it is approved.
    leader = person(browser)
    sign_in(leader, base, office.leader)
    leader.goto(detail)
    leader.fill("#decide-form textarea", "Bổ sung căn cứ pháp lý")
    leader.click("#return")
    expect(leader.locator("#outgoing-status")).to_have_text("Bị trả lại để sửa")
    expect(leader.locator("#outgoing-history")).to_contain_text(
        "Bổ sung căn cứ pháp lý"
    )
    page.goto(detail)
    page.click("#submit-draft")
    expect(page.locator("#outgoing-status")).to_have_text("Chờ lãnh đạo duyệt")
    leader.goto(detail)
    leader.click("#approve")
    expect(leader.locator("#outgoing-status")).to_have_text("Đã duyệt, chờ phát hành")

    # The clerk releases: number, signatures, dispatch queued.
    page = person(browser)
    sign_in(page, base, office.clerk)
    page.goto(detail)
    page.click("#release")
    expect(page.locator(".messages")).to_contain_text("Đã gửi yêu cầu cấp số")
    progress = page.locator("#release-progress-text")
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(progress).to_contain_text("Đang cấp số và ký số")
    expect(page.locator("#outgoing-status")).to_have_text("Đang ký số")
    expect(page.locator("#release")).to_have_count(0)
    # The worker signs; the page notices by itself and shows the number.
    expect(page.locator("#outgoing-status")).to_have_text(
        "Đã phát hành", timeout=30_000
    )
    expect(page.locator("#outgoing-title")).to_contain_text("01/QĐ-STP")
    expect(page.locator("#release-progress")).to_have_count(0)
    expect(page.locator("#outgoing-recipients")).to_contain_text("UBND Phường 1")
    page.screenshot(path=str(ARTIFACTS / "outgoing-released.png"), full_page=True)
    document = OutgoingDocument.objects.get()
    signed = document.files.filter(kind=FileKind.SIGNED, role="main").get()
    with signed.file.open("rb") as handle:
        content = handle.read()
    store = trust_store()
    verdict = outside_event_loop(lambda: pdf_verify(pdf_bytes=content, store=store))
    assert verdict.verdict == "valid" and len(verdict.signatures) == 2

    # The register shows it and exports.
    page.goto(base + "/backoffice/van-ban-di/")
    page.click("#link-outgoing-register")
    expect(page.locator("#outgoing-register")).to_contain_text("01/QĐ-STP")
    with page.expect_download() as download:
        page.click("#outgoing-export-xlsx")
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert "01/QĐ-STP" in [c.value for c in sheet["D"]]

    # 390 px: the desk, the document and the register fit.
    narrow = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    phone = narrow.new_page()
    for cookie in page.context.cookies():
        narrow.add_cookies([cookie])
    for path in (detail, base + "/backoffice/van-ban-di/"):
        phone.goto(path)
        no_horizontal_scroll(phone)
    phone.goto(base + "/backoffice/van-ban-di/so/")
    expect(phone.locator("#outgoing-register")).to_contain_text("01/QĐ-STP")
    phone.screenshot(path=str(ARTIFACTS / "outgoing-register-390.png"), full_page=True)
    narrow.close()
