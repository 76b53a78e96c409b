"""A reception officer registers a walk-in dossier for a business on a phone-sized
screen: applicant type, business name, a tax code whose check digit is wrong and
then right; the counter page and the signed receipt name the business."""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from backoffice.core.constants import Role
from backoffice.dossiers.models import Dossier
from backoffice.procedures.models import Procedure
from backoffice.procedures.services import procedures_import
from tests.fixtures.procedures import as_json, procedure
from tests.fixtures.staff import PASSWORD, current_totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Page) -> None:
    wider = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => e.tagName + "#" + e.id + "." + e.className + " "
             + Math.round(e.getBoundingClientRect().right))"""
    )
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, (page.url, wider[:10])


def test_counter_registers_a_business(
    live_server,
    page: Page,
    agency_tree,
    make_staff,
    agency_pki,
    celery_eager,
) -> None:
    procedures_import(
        actor=None,
        name="p.json",
        content=as_json(
            procedure(
                "1.013225",
                name="Cấp giấy phép xây dựng mới",
                agencies=["000.01.31.H53"],
                applicant_types=["citizen", "organisation", "business"],
            )
        ),
    )
    construction = Procedure.objects.get(code="1.013225")
    officer = make_staff("tiepnhan", agency=agency_tree["ward"], role=Role.RECEPTION)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(live_server.url + "/backoffice/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Tiếp tục").click()
    page.fill("#id_token", current_totp(officer))
    page.get_by_role("button", name="Xác nhận").click()

    page.goto(live_server.url + "/backoffice/tiep-nhan/")
    page.select_option("#counter-procedure", construction.code)
    page.click("#start-register")
    expect(page.locator("#applicant-kind")).to_be_visible()
    _no_sideways_scroll(page)
    page.select_option("#id_applicant_type", "business")
    page.fill("#id_applicant_organisation", "Công ty TNHH Xây dựng Phú Lợi")
    page.fill("#id_applicant_tax_code", "0100109107")
    page.fill("#id_applicant_name", "Trần Văn Bình")
    page.fill("#id_applicant_phone", "0912000111")
    page.click("#register-submit")
    expect(page.locator("#applicant-kind .errorlist")).to_contain_text(
        "sai chữ số kiểm tra"
    )
    assert not Dossier.objects.exists()
    # What was typed is kept; only the tax code needs fixing.
    expect(page.locator("#id_applicant_organisation")).to_have_value(
        "Công ty TNHH Xây dựng Phú Lợi"
    )
    page.fill("#id_applicant_tax_code", "0100109106")
    page.click("#register-submit")
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận hồ sơ")
    expect(page.locator("#applicant-organisation")).to_contain_text(
        "Công ty TNHH Xây dựng Phú Lợi"
    )
    expect(page.locator("#applicant-organisation")).to_contain_text("0100109106")
    _no_sideways_scroll(page)
    dossier = Dossier.objects.get()
    assert (dossier.applicant_type, dossier.applicant_tax_code) == (
        "business",
        "0100109106",
    )

    receipt = page.request.get(
        live_server.url + page.get_attribute("#print-receipt", "href")
    )
    text = PdfReader(io.BytesIO(receipt.body())).pages[0].extract_text()
    assert "Công ty TNHH Xây dựng Phú Lợi" in text
    assert "Mã số thuế: 0100109106" in text
