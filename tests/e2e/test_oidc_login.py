"""A citizen signs in with the national identity in a real browser: the portal's
button, the provider's login and consent pages (node-oidc-provider on loopback),
and back to the portal, signed in with the verified personal ID number."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from backoffice.accounts.models import User
from tests.support.oidc.provider import (
    CITIZEN_ID,
    PASSWORD,
    SUBJECT,
    OIDCProvider,
    oidc_provider_running,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oidc(live_server, settings, tmp_path) -> Iterator[OIDCProvider]:
    callback = live_server.url + "/oidc/callback/"
    with oidc_provider_running(tmp_path, [callback]) as provider:
        for name, value in provider.django_settings().items():
            setattr(settings, name, value)
        yield provider


def test_citizen_signs_in_with_vneid(live_server, oidc, page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()

    expect(page.locator("h1")).to_have_text("Đăng nhập định danh điện tử")
    assert page.url.startswith(oidc.issuer)
    page.fill("#login", SUBJECT)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.locator("h1")).to_have_text("Cho phép chia sẻ thông tin")
    expect(page.locator("main")).to_contain_text("Cổng Một Cửa")
    page.get_by_role("button", name="Đồng ý").click()

    expect(page).to_have_url(live_server.url + "/ho-so-cua-toi/")
    user = User.objects.get(citizen_id=CITIZEN_ID)
    assert user.citizen_id_verified_at is not None
    assert user.external_identities.get().subject == SUBJECT


def test_refusing_consent_signs_nobody_in(live_server, oidc, page: Page) -> None:
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.fill("#login", SUBJECT)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Từ chối").click()

    expect(page).to_have_url(live_server.url + "/tai-khoan/dang-nhap/")
    expect(page.locator(".messages")).to_contain_text("Không đăng nhập được bằng VNeID")
    assert not User.objects.exists()
