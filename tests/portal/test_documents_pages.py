"""The public document library: listing, search, facets, dates, document pages."""

import re

import pytest

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


def symbols(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">[^<]* ([^<]+)</a></h3>', html)


def test_listing_shows_every_published_document_newest_first(client, small_library):
    response = client.get("/van-ban/")
    html = response.content.decode()
    assert response.status_code == 200
    assert symbols(html) == ["30/2020/NĐ-CP", "15/2016/QĐ-UBND", "110/2004/NĐ-CP"]
    assert "3 văn bản" in html
    assert "ban hành 05/03/2020" in html
    assert 'data-facet="type"' in html and "Nghị định" in html


@pytest.mark.parametrize("query", ["công tác văn thư", "cong tac van thu", "CÔNG TÁC"])
def test_search_with_or_without_diacritics(client, small_library, query):
    html = client.get("/van-ban/", {"q": query}).content.decode()
    assert set(symbols(html)) == {"30/2020/NĐ-CP", "110/2004/NĐ-CP"}
    assert "<mark>" in html


def test_search_by_number_symbol_without_diacritics(client, small_library):
    html = client.get("/van-ban/", {"q": "30/2020/ND-CP"}).content.decode()
    assert symbols(html)[0] == "30/2020/NĐ-CP"


def test_full_text_matches_show_a_highlighted_snippet(client, small_library):
    html = client.get("/van-ban/", {"q": "trach nhiem tiep nhan"}).content.decode()
    assert symbols(html) == ["15/2016/QĐ-UBND"]
    assert re.search(r"<mark>[Tt]rách</mark> <mark>nhiệm</mark>", html)


def test_facet_link_filters_and_can_be_removed(client, small_library):
    html = client.get("/van-ban/").content.decode()
    link = re.search(r'<a href="(\?[^"]*type=quyet-dinh[^"]*)">Quyết định</a>', html)
    assert link is not None
    filtered = client.get("/van-ban/" + link.group(1).replace("&amp;", "&"))
    page = filtered.content.decode()
    assert symbols(page) == ["15/2016/QĐ-UBND"]
    assert re.search(r'class="selected"><a href="\?">✕ Quyết định', page)


def test_year_issuer_and_field_filters(client, small_library):
    assert symbols(client.get("/van-ban/", {"year": "2004"}).content.decode()) == [
        "110/2004/NĐ-CP"
    ]
    by_issuer = client.get("/van-ban/", {"issuer": "Chính phủ"}).content.decode()
    assert symbols(by_issuer) == ["30/2020/NĐ-CP", "110/2004/NĐ-CP"]


def test_date_range_and_sort(client, small_library):
    html = client.get(
        "/van-ban/", {"from": "2010-01-01", "to": "2020-12-31", "sort": "date_asc"}
    ).content.decode()
    assert symbols(html) == ["15/2016/QĐ-UBND", "30/2020/NĐ-CP"]


def test_an_invalid_date_is_explained_not_fatal(client, small_library):
    response = client.get("/van-ban/", {"from": "14/07/2016"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày “14/07/2016” không hợp lệ" in html
    assert len(symbols(html)) == 3


def test_no_result_gives_help(client, small_library):
    html = client.get("/van-ban/", {"q": "xe máy điện"}).content.decode()
    assert 'id="empty-result"' in html
    assert "Không tìm thấy văn bản nào khớp với “xe máy điện”" in html
    assert "Có thể gõ không dấu" in html


def test_document_page_shows_metadata_verdict_and_full_text(client, small_library):
    decree = small_library["decree"]
    html = client.get(decree.publication.url).content.decode()
    assert "Nghị định 30/2020/NĐ-CP" in html
    assert 'data-verdict="valid"' in html and "Hợp lệ và được tin cậy" in html
    assert "Nguyễn Văn An" in html  # the certificate's signer
    assert "Nguyễn Xuân Phúc — Thủ tướng" in html
    assert "05/03/2020" in html and "Văn thư, lưu trữ" in html
    assert "Phạm vi điều chỉnh" in html  # full text from the text layer
    assert "Còn hiệu lực" in html


def test_replaced_document_links_to_its_replacement(client, small_library):
    old = small_library["old"]
    html = client.get(old.publication.url).content.decode()
    assert "Bị thay thế" in html
    assert f'<a href="{small_library["decree"].publication.url}">' in html
    assert 'data-verdict="unsigned"' in html and "chưa được ký số" in html


def test_file_download_and_unknown_file(client, small_library):
    page = small_library["regulation"].publication
    record = small_library["regulation"].files.get()
    response = client.get(f"{page.url}tep/{record.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    other = small_library["decree"].files.get()
    assert client.get(f"{page.url}tep/{other.pk}/").status_code == 404


def test_an_unpublished_document_is_gone(client, small_library):
    page = small_library["regulation"].publication
    url = page.url
    page.unpublish()
    assert client.get(url).status_code == 404


def test_a_page_past_the_end_says_so(client, small_library):
    html = client.get("/van-ban/", {"page": "9"}).content.decode()
    assert "Không có trang 9: kết quả chỉ có 1 trang." in html


def test_pagination_keeps_the_query(client, small_library, monkeypatch):
    from portal.models import DocumentIndexPage

    monkeypatch.setattr(DocumentIndexPage, "page_size", 2)
    first = client.get("/van-ban/", {"field": "Văn thư, lưu trữ", "sort": "date_asc"})
    html = first.content.decode()
    assert symbols(html) == ["110/2004/NĐ-CP", "15/2016/QĐ-UBND"]
    assert "Trang 1/2" in html
    link = re.search(r'<a class="button secondary" href="(\?[^"]+)">Sau', html)
    second = client.get("/van-ban/" + link.group(1).replace("&amp;", "&"))
    assert symbols(second.content.decode()) == ["30/2020/NĐ-CP"]


def test_home_page_lists_recent_documents_and_links_the_library(client, small_library):
    html = client.get("/").content.decode()
    newest = max(small_library.values(), key=lambda d: (d.issued_date, d.pk))
    assert "Văn bản mới ban hành" in html
    assert newest.number_symbol in html
    assert 'href="/van-ban/"' in html
