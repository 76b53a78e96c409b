import pytest
from playwright.sync_api import Page, expect

from tests.fixtures.staff import PASSWORD, current_totp

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_staff_signs_in_with_password_and_totp(
    live_server, page: Page, agency_tree, make_staff
) -> None:
    user = make_staff("chuyenvien", agency=agency_tree["ict"])
    page.goto(live_server.url + "/admin/")
    expect(page.locator("h1")).to_have_text("Đăng nhập cán bộ")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Tiếp tục").click()

    expect(page.locator("h1")).to_have_text("Xác thực hai bước")
    page.fill("#id_token", "000000")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator(".errorlist")).to_contain_text("không đúng")

    page.wait_for_timeout(1100)  # django-otp throttles one second after a failure
    page.fill("#id_token", current_totp(user))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/backoffice/")
    expect(page.locator("#memberships")).to_contain_text("Chuyên viên")
