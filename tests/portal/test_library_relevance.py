"""The library's search page: a typed query is sorted by relevance, legal status
ranks the document in force first, and a replaced document links to its
replacement."""

import re

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


def symbols(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">[^<]* ([^<]+)</a></h3>', html)


def selected_sort(html: str) -> str:
    return re.search(r'<option value="([a-z_]+)" selected>', html).group(1)


def test_a_query_typed_over_the_newest_first_listing_is_sorted_by_relevance(
    client, small_library
):
    listing = client.get("/van-ban/").content.decode()
    assert selected_sort(listing) == "date_desc"
    assert '<input type="hidden" name="sq" value="">' in listing
    # What the form sends when the visitor types a query and presses "Tìm kiếm".
    html = client.get(
        "/van-ban/", {"q": "công tác văn thư", "sort": "date_desc", "sq": ""}
    ).content.decode()
    assert selected_sort(html) == "relevance"
    assert '<input type="hidden" name="sq" value="công tác văn thư">' in html


def test_a_sort_chosen_for_the_query_is_kept_one_click_away(client, small_library):
    html = client.get(
        "/van-ban/",
        {"q": "công tác văn thư", "sort": "date_asc", "sq": "công tác văn thư"},
    ).content.decode()
    assert selected_sort(html) == "date_asc"
    assert symbols(html) == ["110/2004/NĐ-CP", "30/2020/NĐ-CP"]
    # A link that names its sort (no "sq") is taken as it is.
    linked = client.get("/van-ban/", {"q": "văn thư", "sort": "date_asc"})
    assert selected_sort(linked.content.decode()) == "date_asc"


@pytest.mark.parametrize("query", ["công tác văn thư", "cong tac van thu"])
def test_the_decree_in_force_comes_before_the_one_it_replaced(
    client, small_library, query
):
    html = client.get("/van-ban/", {"q": query}).content.decode()
    assert symbols(html) == ["30/2020/NĐ-CP", "110/2004/NĐ-CP"]


def test_a_replaced_result_links_to_its_replacement(client, small_library):
    decree_url = small_library["decree"].publication.url
    html = client.get("/van-ban/", {"q": "công tác văn thư"}).content.decode()
    results = html.split('<li class="result">')[1:]
    in_force, replaced = results
    assert "Đã được thay thế bởi" not in in_force
    assert (
        f'<p class="replaced-by">Đã được thay thế bởi <a href="{decree_url}">'
        "30/2020/NĐ-CP</a></p>"
    ) in replaced
