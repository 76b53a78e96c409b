"""Issue 15: every page reachable from the home page and the back office, at 360,
390 and 768 px, as a visitor, a citizen and a counter officer: no page is wider
than the screen, and axe-core finds no serious or critical violation."""

import pytest
from playwright.sync_api import Browser, Page

from backoffice.core.constants import Role
from tests.e2e.crawl import WIDTHS, axe_serious, axe_source, crawl, overflow
from tests.fixtures.browser import sign_in_citizen
from tests.fixtures.staff import PASSWORD as STAFF_PASSWORD
from tests.fixtures.staff import current_totp

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def sign_in_staff(page: Page, base: str, user) -> None:
    page.goto(base + "/backoffice/account/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.locator("main").get_by_role("button").first.click()
    page.fill("#id_token", current_totp(user))
    page.locator("main").get_by_role("button").first.click()
    page.wait_for_load_state()


@pytest.fixture
def site_data(alice_dossier, small_library, make_staff, agency_tree):
    officer = make_staff("tiepnhan", agency=agency_tree["ward"], role=Role.RECEPTION)
    return {"citizen": alice_dossier[0], "officer": officer}


@pytest.mark.parametrize("who", ["visitor", "citizen", "officer"])
def test_every_page_fits_the_screen_and_passes_axe(
    who, live_server, browser: Browser, site_data
) -> None:
    source = axe_source()
    base = live_server.url
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    starts = ["/", "/en/"]
    if who == "citizen":
        sign_in_citizen(page, base, site_data["citizen"].email)
        starts = ["/", "/ho-so-cua-toi/"]
    elif who == "officer":
        sign_in_staff(page, base, site_data["officer"])
        starts = ["/backoffice/", "/"]
    pages = crawl(page, base, starts)
    assert len(pages) >= 8, pages  # the crawl found the site, not just one page
    if who == "officer":
        assert any(p.startswith("/backoffice/ho-so/") for p in pages), pages
        assert any(p.startswith("/backoffice/tiep-nhan/") for p in pages), pages
    wide, violations = [], []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        for path in pages:
            page.goto(base + path)
            problem = overflow(page)
            if problem:
                wide.append((width, path, problem))
            for violation in axe_serious(page, source):
                violations.append((width, path, violation))
    context.close()
    assert not wide, "pages wider than the screen:\n" + "\n".join(map(str, wide))
    assert not violations, "axe-core:\n" + "\n".join(map(str, violations))
