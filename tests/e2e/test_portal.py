import pytest
from playwright.sync_api import Page, expect

from backoffice.demo.services import demo_load

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_home_filter_list_and_open_a_procedure(live_server, page: Page) -> None:
    demo_load()
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_contain_text("Cổng dịch vụ công")
    page.get_by_role("navigation").get_by_role(
        "link", name="Thủ tục hành chính"
    ).click()
    expect(page.locator("h1")).to_have_text("Thủ tục hành chính")
    total = page.locator("tbody tr").count()
    assert total >= 20

    page.select_option("#filter-field", label="Hộ tịch")
    page.get_by_role("button", name="Lọc").click()
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert 0 < rows.count() < total
    for text in rows.locator("td:nth-child(3)").all_inner_texts():
        assert text == "Hộ tịch"

    first = rows.first.locator("td:nth-child(2) a")
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#components tbody tr").first).to_be_visible()
    expect(page.get_by_text("Thời hạn giải quyết")).to_be_visible()


def test_language_switch_to_english(live_server, page: Page) -> None:
    demo_load()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(live_server.url + "/en/")
    expect(
        page.get_by_role("navigation").get_by_role(
            "link", name="Administrative procedures"
        )
    ).to_be_visible()
