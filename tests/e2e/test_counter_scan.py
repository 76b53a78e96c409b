"""A reception officer registers a walk-in dossier, prints its sheets, scans the
bundle and places the page the pipeline could not, in a real browser."""

import io
import random
import threading

from django.db import connection

import numpy as np
import pytest
import zxingcpp
from pdf2image import convert_from_bytes
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from backoffice.core.constants import Role
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.scanning import tasks
from backoffice.scanning.sheets import parse_payload
from tests.e2e.conftest import ARTIFACTS
from tests.fixtures.staff import PASSWORD, current_totp
from tests.support import synthetic

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

DPI = 200


@pytest.fixture
def worker_thread(monkeypatch):
    """Batches run beside the web server, as a worker would, so the page really
    polls the progress; the task itself runs through Celery's eager apply()."""
    threads: list[threading.Thread] = []

    def run(batch_id: int) -> None:
        try:
            tasks.process_scan_batch.apply(args=[batch_id])
        finally:
            connection.close()

    def apply_async(args=None, kwargs=None, **options) -> None:
        # Called by the outbox once the batch has committed, as the broker would be.
        thread = threading.Thread(target=run, args=(args[0],), daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.process_scan_batch, "apply_async", apply_async)
    yield threads
    for thread in threads:
        thread.join(timeout=120)


def _scan_bundle(sheets_pdf: bytes, path) -> str:
    """The printed sheets with the paper between them, through a scanner: a stray
    page before the cover, then cover, separator 1 + one page, separator 2 + two.
    Returns the text printed on the stray page."""
    rng = random.Random(11)
    sheets = [
        np.asarray(p.convert("L"))
        for p in convert_from_bytes(sheets_pdf, dpi=DPI, grayscale=True)
    ]
    style = synthetic.ScanStyle.clean()
    style.max_skew = 1.5
    stray, stray_text = synthetic.text_page(rng, DPI)
    layout = [
        stray,
        sheets[0],
        sheets[1],
        synthetic.text_page(rng, DPI)[0],
        sheets[2],
        synthetic.text_page(rng, DPI)[0],
        synthetic.text_page(rng, DPI)[0],
    ]
    pages = [synthetic.scan(image, rng, style, DPI)[0] for image in layout]
    synthetic.write_pages(pages, path, DPI, "pdf")
    return stray_text


def test_counter_registers_prints_scans_and_reviews(
    live_server,
    page: Page,
    agency_tree,
    make_staff,
    birth_registration,
    agency_pki,
    celery_eager,
    worker_thread,
    settings,
    tmp_path,
) -> None:
    settings.SCAN_DPI = DPI
    settings.SCAN_OCR = True
    settings.SCAN_WORKERS = 2
    settings.SCAN_OCR_MIN_CONFIDENCE = 40  # clean pages; the test is not about OCR
    officer = make_staff("tiepnhan", agency=agency_tree["ward"], role=Role.RECEPTION)

    # Sign in with password and TOTP.
    page.goto(live_server.url + "/backoffice/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Tiếp tục").click()
    page.fill("#id_token", current_totp(officer))
    page.get_by_role("button", name="Xác nhận").click()

    # Register the dossier at the counter.
    page.goto(live_server.url + "/backoffice/")
    page.click("#link-counter")
    expect(page.locator("h1")).to_have_text("Tiếp nhận hồ sơ tại quầy")
    page.select_option("#counter-procedure", birth_registration.code)
    page.click("#start-register")
    page.fill("#id_applicant_name", "Thạch Thị Sa Rươl")
    page.fill("#id_applicant_id_number", "094188001234")
    page.fill("#id_applicant_phone", "0912345678")
    page.fill("#id_representative_name", "Lê Hoàng Phúc")
    page.fill("#id_representative_id_number", "094090004321")
    second = birth_registration.components.all()[1]
    page.select_option(f"#id_c{second.pk}_copy_form", "certified_copy")
    page.fill(f"#id_c{second.pk}_count", "2")
    page.fill("#id_notes", "Đã đối chiếu bản chính")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "counter-register.png"), full_page=True)
    page.click("#register-submit")
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận hồ sơ")
    dossier = Dossier.objects.get()
    expect(page.locator("#dossier-code")).to_have_text(dossier.code)

    # The receipt (form 01, signed) and the QR sheets print from the page.
    receipt_href = page.get_attribute("#print-receipt", "href")
    receipt = page.request.get(live_server.url + receipt_href)
    assert receipt.headers["content-type"] == "application/pdf"
    assert (
        "GIẤY TIẾP NHẬN"
        in PdfReader(io.BytesIO(receipt.body())).pages[0].extract_text()
    )
    sheets = page.request.get(
        live_server.url + page.get_attribute("#print-sheets", "href")
    )
    sheets_pdf = sheets.body()
    rendered = convert_from_bytes(sheets_pdf, dpi=100, grayscale=True)
    payloads = [parse_payload(zxingcpp.read_barcodes(p)[0].text) for p in rendered]
    assert [p.position for p in payloads] == [None, 1, 2]
    assert {p.dossier_code for p in payloads} == {dossier.code}

    # Scan the bundle and upload it; the progress bar runs to the end.
    scan = tmp_path / "may-quet.pdf"
    stray_text = _scan_bundle(sheets_pdf, scan)
    page.set_input_files("#id_scan", str(scan))
    page.click("#scan-submit")
    expect(page.locator(".messages")).to_contain_text("đang xử lý")
    bar = page.locator(".batch .progress").first
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "100", timeout=180_000)
    expect(page.locator(".batch .batch-status").first).to_have_text(
        "Hoàn tất", timeout=30_000
    )
    # The page reloads itself once done: both components now hold their pages.
    expect(page.locator("#component-1 .component-files .filled")).to_have_count(
        1, timeout=30_000
    )
    expect(page.locator("#component-2 .component-files")).to_contain_text("2 trang")
    files = {
        f.component_id: f.scan_origin.pages
        for f in dossier.files.filter(source=DossierFile.Source.SCAN)
    }
    first, second = birth_registration.components.all()
    assert files == {first.pk: [3], second.pk: [5, 6]}

    # The stray page before the cover waits in the review queue; assign it.
    page.goto(live_server.url + "/backoffice/tiep-nhan/xem-lai/")
    expect(page.locator(".review-page")).to_have_count(1)
    expect(page.locator(".review-page img")).to_be_visible()
    expect(page.locator(".review-page")).to_contain_text("Trang trước tờ bìa đầu tiên")
    page.screenshot(path=str(ARTIFACTS / "counter-review-queue.png"), full_page=True)
    form = page.locator(".review-batch form")
    form.locator("input[name=first]").fill("1")
    form.locator("input[name=last]").fill("1")
    form.locator("input[name=dossier_code]").fill(dossier.code)
    form.locator("input[name=position]").fill("2")
    form.get_by_role("button", name="Gán vào hồ sơ").click()
    expect(page.locator(".messages")).to_contain_text("Đã gán trang 1–1")
    expect(page.locator("#review-empty")).to_be_visible()
    page.goto(live_server.url + f"/backoffice/tiep-nhan/ho-so/{dossier.code}/")
    expect(page.locator("#component-2 .component-files .filled")).to_have_count(2)
    assert dossier.files.filter(source=DossierFile.Source.REVIEW).count() == 1

    # The assigned page keeps its OCR text: staff search finds the dossier by a
    # word only that page carries.
    assigned = dossier.files.get(source=DossierFile.Source.REVIEW)
    elsewhere = {
        word
        for f in dossier.files.exclude(pk=assigned.pk)
        for word in f.ocr_text.lower().split()
    }
    printed = set(stray_text.lower().split())
    words = sorted(
        word
        for word in set(assigned.ocr_text.lower().split()) - elsewhere
        if len(word) >= 4 and word.isalpha() and word in printed
    )
    assert words, assigned.ocr_text
    page.goto(live_server.url + "/backoffice/ho-so/?q=" + words[0])
    expect(page.locator("main")).to_contain_text(dossier.code)
