"""Issue 15 on a 390 px phone: the folding menu and sign-out, the skip link, and
the wizard's error summary with a kept file and the live upload check."""

import pytest
from playwright.sync_api import Browser, Page, expect

from backoffice.dossiers.models import DraftFile
from tests.fixtures.citizens import PASSWORD, citizen
from tests.fixtures.uploads import real_pdf

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def phone(browser: Browser):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Hồ sơ của tôi")


def test_the_menu_folds_and_a_citizen_signs_out_from_it(
    live_server, phone: Page, birth_registration
) -> None:
    citizen("binh@example.vn")
    base = live_server.url
    sign_in(phone, base, "binh@example.vn")
    phone.goto(base + "/")
    header = phone.locator("header").bounding_box()
    assert header["height"] <= 120  # was 288 px, hiding "Đăng nhập" and "Cán bộ"
    toggle = phone.locator("[data-menu-toggle]")
    sign_out = phone.get_by_role("button", name="Đăng xuất")
    expect(sign_out).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(sign_out).to_be_visible()
    box = sign_out.bounding_box()
    assert box["height"] >= 44  # a touch target
    sign_out.click()
    phone.locator("[data-menu-toggle]").click()
    expect(
        phone.locator("#site-nav").get_by_role("link", name="Đăng nhập")
    ).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(
    live_server, phone: Page
) -> None:
    phone.goto(live_server.url + "/")
    phone.keyboard.press("Tab")
    skip = phone.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # shown when focused
    phone.keyboard.press("Enter")
    assert phone.evaluate("location.hash") == "#main"


def test_wizard_errors_are_summarised_on_top_and_a_good_file_is_kept(
    live_server, phone: Page, birth_registration, tmp_path
) -> None:
    citizen("binh@example.vn")
    base = live_server.url
    sign_in(phone, base, "binh@example.vn")
    first, second = list(birth_registration.components.all())[:2]
    phone.goto(f"{base}/nop-ho-so/{birth_registration.code}/")
    expect(phone.locator('.steps li[aria-current="step"]')).to_contain_text("1.")

    good = tmp_path / "to-khai.pdf"
    good.write_bytes(real_pdf())
    bad = tmp_path / "giay-chung-sinh.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # not a PDF at all
    wrong = tmp_path / "ghi-chu.exe"
    wrong.write_bytes(b"MZ")

    # The browser's own check, announced next to the control (aria-live).
    phone.set_input_files(f"#id_component_{second.pk}", str(wrong))
    status = phone.locator(f"#upload-status-{second.pk}")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_contain_text("✗ ghi-chu.exe")

    phone.set_input_files(f"#id_component_{first.pk}", str(good))
    expect(phone.locator(f"#upload-status-{first.pk}")).to_contain_text("✓ to-khai.pdf")
    phone.set_input_files(f"#id_component_{second.pk}", str(bad))
    phone.get_by_role("button", name="Xem lại trước khi nộp").click()

    summary = phone.locator("#error-summary")
    expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < 844  # on screen, not 1,400 px below
    expect(summary).to_contain_text("Các tệp đạt yêu cầu đã được giữ lại")
    link = summary.locator(f'a[href="#id_component_{second.pk}"]')
    link.click()
    expect(phone.locator(f"#id_component_{second.pk}")).to_be_focused()
    # The good file is in the draft and listed under its component.
    assert DraftFile.objects.get().name == "to-khai.pdf"
    expect(phone.locator(f"#component-{first.pk} .draft-file")).to_contain_text(
        "to-khai.pdf"
    )
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth")
