"""Issue 3, end to end: register, verify, submit with two files, receipt, lookup."""

import re

from django.core import mail

import pytest
from playwright.sync_api import Page, expect

from backoffice.demo.documents import demo_pdf
from backoffice.dossiers.models import Dossier, DossierFile

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_register_verify_submit_download_receipt_and_look_up(
    live_server, page: Page, birth_registration, agency_pki, celery_eager, tmp_path
) -> None:
    base = live_server.url
    page.goto(base + "/tai-khoan/dang-ky/")
    page.fill("#id_full_name", "Phạm Thị Thu Trang")
    page.fill("#id_citizen_id", "094196007788")
    page.fill("#id_email", "trang@example.vn")
    page.fill("#id_phone", "0911222333")
    page.fill("#id_password1", "Trang-Sóc-Trăng-2026")
    page.fill("#id_password2", "Trang-Sóc-Trăng-2026")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("h1")).to_have_text("Xác minh thư điện tử")

    link = re.search(
        r"https?://\S+/tai-khoan/xac-minh/\S+/", mail.outbox[-1].body
    ).group(0)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Đã xác minh thư điện tử")
    page.get_by_role("link", name="Đăng nhập").last.click()
    page.fill("#id_username", "trang@example.vn")
    page.fill("#id_password", "Trang-Sóc-Trăng-2026")
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Hồ sơ của tôi")

    page.goto(base + "/thu-tuc/1.001193/")
    page.locator("#submit-online").click()
    expect(page.locator("#id_applicant_name")).to_have_value("Phạm Thị Thu Trang")
    for i, component in enumerate(birth_registration.components.all()):
        path = tmp_path / f"giay-to-{i}.pdf"
        path.write_bytes(demo_pdf(title=component.name, lines=["Phạm Thị Thu Trang"]))
        page.set_input_files(f"#id_component_{component.pk}", str(path))
    page.locator("#id_declaration").check()
    page.get_by_role("button", name="Xem lại trước khi nộp").click()
    expect(page.locator("h1")).to_have_text("Xem lại hồ sơ")
    page.locator("#submit-dossier").click()

    dossier = Dossier.objects.get()
    expect(page.locator("#dossier-code")).to_have_text(dossier.code)
    assert dossier.files.filter(kind=DossierFile.Kind.SUBMITTED).count() == 2
    # The receipt task ran on commit (eager Celery); the slip is in the file list.
    page.reload()
    receipt = dossier.files.get(kind=DossierFile.Kind.RECEIPT)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=receipt.original_name).click()
    downloaded = download_info.value.path().read_bytes()
    assert downloaded.startswith(b"%PDF-")
    from backoffice.signatures.event_loop import outside_event_loop
    from backoffice.signatures.verification import pdf_verify, trust_store

    store = trust_store()  # read before the loop is hidden (no database inside)
    verdict = outside_event_loop(lambda: pdf_verify(pdf_bytes=downloaded, store=store))
    assert verdict.verdict == "valid"

    # Sign out and look the dossier up by code + secret.
    page.context.clear_cookies()
    page.goto(base + "/tra-cuu-ho-so/")
    page.fill("#lookup-code", dossier.code)
    page.fill("#lookup-secret", dossier.lookup_secret)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#dossier-status")).to_have_text("Mới tiếp nhận")
    expect(page.locator("#timeline")).to_contain_text("Mới tiếp nhận")
