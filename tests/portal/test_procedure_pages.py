import pytest

pytestmark = pytest.mark.django_db


def test_home_page_answers_in_vietnamese(client, catalogue) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Thủ tục đăng ký khai sinh" in html


def test_english_switch(client, catalogue) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Administrative procedures" in html


def test_list_shows_all_and_filters_by_agency_and_text(client, catalogue) -> None:
    html = client.get("/thu-tuc/").content.decode()
    assert "1.001193" in html and "2.000635" in html
    html = client.get("/thu-tuc/", {"agency": "000.00.04.H53"}).content.decode()
    assert "2.000635" in html and "1.001193" not in html
    # Without diacritics, and by code.
    html = client.get("/thu-tuc/", {"q": "trich luc"}).content.decode()
    assert "2.000635" in html and "1.001193" not in html
    html = client.get("/thu-tuc/", {"q": "1.001193"}).content.decode()
    assert "1.001193" in html and "2.000635" not in html


def test_list_filters_by_field_and_shows_a_helpful_empty_result(
    client, catalogue
) -> None:
    assert "1.001193" in client.get("/thu-tuc/", {"field": "ho-tich"}).content.decode()
    html = client.get("/thu-tuc/", {"field": "khong-co"}).content.decode()
    assert "Không tìm thấy thủ tục phù hợp" in html


def test_detail_page_shows_components_time_fees_and_legal_basis(
    client, catalogue
) -> None:
    response = client.get("/thu-tuc/1.001193/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "1 ngày làm việc",
        "Miễn lệ phí",
        "Luật Hộ tịch 2014",
        "Bản chính hoặc bản sao",
    ):
        assert text in html


def test_procedure_text_is_escaped(client, catalogue) -> None:
    html = client.get("/thu-tuc/1.004873/").content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>x</b>" not in html


def test_unknown_procedure_is_404(client, catalogue) -> None:
    assert client.get("/thu-tuc/9.999999/").status_code == 404
    assert client.get("/thu-tuc/../../etc/passwd/").status_code == 404
