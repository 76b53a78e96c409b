"""The public library in a browser: search with and without diacritics, a facet,
and a document page with its signature verdict."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("isolated_trust_settings"),
]


def result_titles(page: Page) -> list[str]:
    return page.locator("ol.results h3 a").all_inner_texts()


def test_search_facet_and_open_a_signed_document(
    live_server, page: Page, small_library
) -> None:
    page.goto(live_server.url + "/van-ban/")
    expect(page.locator("h1")).to_have_text("Thư viện văn bản")
    expect(page.locator("#result-count")).to_have_text("3 văn bản")

    # Without diacritics.
    page.fill("#library-q", "cong tac van thu")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#result-count")).to_have_text("2 văn bản")
    assert sorted(result_titles(page)) == [
        "Nghị định 110/2004/NĐ-CP",
        "Nghị định 30/2020/NĐ-CP",
    ]
    expect(page.locator("ol.results mark").first).to_be_visible()

    # With diacritics: the same documents.
    page.fill("#library-q", "công tác văn thư")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#result-count")).to_have_text("2 văn bản")

    # A facet narrows the results to one year, and can be removed again.
    page.locator('ul[data-facet="year"]').get_by_role("link", name="2004").click()
    expect(page.locator("#result-count")).to_have_text("1 văn bản")
    assert result_titles(page) == ["Nghị định 110/2004/NĐ-CP"]
    assert "year=2004" in page.url and "q=" in page.url
    page.locator('ul[data-facet="year"]').get_by_role("link", name="✕ 2004").click()
    expect(page.locator("#result-count")).to_have_text("2 văn bản")

    # The replaced decree links to the one that replaced it, which is signed.
    page.get_by_role("link", name="Nghị định 110/2004/NĐ-CP").click()
    expect(page.locator("#legal-status")).to_contain_text("Bị thay thế")
    expect(page.locator("#signature-verdict .verdict")).to_contain_text(
        "chưa được ký số"
    )
    page.locator("#legal-status").get_by_role(
        "link", name="Nghị định 30/2020/NĐ-CP"
    ).click()
    expect(page.locator("h1")).to_have_text("Nghị định 30/2020/NĐ-CP")
    badge = page.locator("#signature-verdict .verdict")
    expect(badge).to_have_attribute("data-verdict", "valid")
    expect(badge).to_contain_text("Hợp lệ và được tin cậy")
    # Green badge, as the library's styles say for a valid signature.
    assert badge.evaluate("el => getComputedStyle(el).color") == "rgb(25, 107, 53)"
    expect(page.locator("table.signatures")).to_contain_text("Nguyễn Văn An")
    expect(page.locator("#full-text")).to_contain_text("Phạm vi điều chỉnh")


def test_no_result_is_helpful(live_server, page: Page, small_library) -> None:
    page.goto(live_server.url + "/van-ban/?q=xe+may+dien")
    expect(page.locator("#empty-result")).to_contain_text("Không tìm thấy văn bản")
    page.get_by_role("link", name="Xem tất cả văn bản").click()
    expect(page.locator("#result-count")).to_have_text("3 văn bản")


def test_a_typed_query_ranks_the_decree_in_force_first_and_links_the_replacement(
    live_server, page: Page, small_library
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/van-ban/")
    # The listing without a query is newest first...
    expect(page.locator("#library-sort")).to_have_value("date_desc")

    # ...but a query typed over it is sorted by relevance: the decree in force
    # before the one it replaced, which links to its replacement.
    page.fill("#library-q", "công tác văn thư")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#result-count")).to_have_text("2 văn bản")
    expect(page.locator("#library-sort")).to_have_value("relevance")
    assert result_titles(page) == [
        "Nghị định 30/2020/NĐ-CP",
        "Nghị định 110/2004/NĐ-CP",
    ]
    replaced = page.locator("ol.results li.result").nth(1)
    expect(replaced.locator(".replaced-by")).to_have_text(
        "Đã được thay thế bởi 30/2020/NĐ-CP"
    )
    # Readable at phone width: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Sorting by date stays one click away, and is kept for the same query.
    page.select_option("#library-sort", "date_asc")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("#library-sort")).to_have_value("date_asc")
    assert result_titles(page) == [
        "Nghị định 110/2004/NĐ-CP",
        "Nghị định 30/2020/NĐ-CP",
    ]

    replaced = page.locator("ol.results li.result").first
    replaced.locator(".replaced-by").get_by_role("link", name="30/2020/NĐ-CP").click()
    expect(page.locator("h1")).to_have_text("Nghị định 30/2020/NĐ-CP")
