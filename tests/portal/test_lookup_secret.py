"""The lookup secret stays out of addresses, so out of access logs and history.

The API takes it in the `X-Lookup-Secret` header (the `secret` query parameter
still works); the HTML form posts it; a receipt link with `?secret=` is redirected
to the bare page after the pair is kept in the session.
"""

from django.core.cache import caches
from django.test import Client

import pytest

from tests.fixtures.api import DOSSIER, call

pytestmark = pytest.mark.django_db

LOOKUP = "/tra-cuu-ho-so/"


@pytest.fixture(autouse=True)
def _empty_throttle_cache():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def status_url(code: str) -> str:
    return f"/api/v1/dossiers/{code}/status"


def test_api_takes_the_secret_in_a_header(client, alice_dossier) -> None:
    _, dossier = alice_dossier
    answer = client.get(
        status_url(dossier.code), HTTP_X_LOOKUP_SECRET=dossier.lookup_secret
    )
    assert answer.status_code == 200
    assert answer.json()["code"] == dossier.code
    wrong = client.get(status_url(dossier.code), HTTP_X_LOOKUP_SECRET="WRONG12345")
    assert wrong.status_code == 404
    # The header wins over a query parameter; the parameter alone still works.
    assert (
        client.get(
            status_url(dossier.code),
            {"secret": "WRONG12345"},
            HTTP_X_LOOKUP_SECRET=dossier.lookup_secret,
        ).status_code
        == 200
    )
    assert (
        client.get(
            status_url(dossier.code), {"secret": dossier.lookup_secret}
        ).status_code
        == 200
    )
    nul = client.get(status_url(dossier.code), HTTP_X_LOOKUP_SECRET="A\x00")
    assert nul.status_code == 422


def test_the_header_is_declared_in_the_openapi_schema(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {
        (p["in"], p["name"]): p
        for p in schema["paths"]["/api/v1/dossiers/{code}/status"]["get"]["parameters"]
    }
    header = parameters[("header", "X-Lookup-Secret")]
    assert header["required"] is False
    assert header["schema"]["type"] == "string"
    assert parameters[("query", "secret")]["required"] is False
    assert "X-Lookup-Secret" in parameters[("query", "secret")]["description"]


def test_the_form_posts_the_secret(client) -> None:
    html = client.get(LOOKUP).content.decode()
    assert 'method="post"' in html
    assert 'name="secret"' in html


def test_posting_the_form_shows_the_status_without_the_secret_in_the_page(
    client,
    alice_dossier,
) -> None:
    _, dossier = alice_dossier
    page = client.post(LOOKUP, {"code": dossier.code, "secret": dossier.lookup_secret})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mới tiếp nhận" in html
    assert dossier.lookup_secret not in html


def test_a_receipt_link_is_redirected_to_the_bare_page(alice_dossier) -> None:
    _, dossier = alice_dossier
    client = Client()
    link = client.get(LOOKUP, {"code": dossier.code, "secret": dossier.lookup_secret})
    assert link.status_code == 302
    assert link["Location"] == LOOKUP
    assert dossier.lookup_secret not in link["Location"]
    page = client.get(link["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mới tiếp nhận" in html
    assert dossier.lookup_secret not in html
    assert "no-store" in page["Cache-Control"]
    # Shown once: a reload, or the next person at a shared computer, gets the form.
    again = client.get(LOOKUP)
    assert again.status_code == 200
    assert "Mới tiếp nhận" not in again.content.decode()


def test_a_receipt_link_in_english_stays_in_english(alice_dossier) -> None:
    _, dossier = alice_dossier
    link = Client().get(
        "/en" + LOOKUP, {"code": dossier.code, "secret": dossier.lookup_secret}
    )
    assert link.status_code == 302
    assert link["Location"] == "/en" + LOOKUP


def test_a_wrong_receipt_link_answers_404_on_the_bare_page(db) -> None:
    client = Client()
    link = client.get(LOOKUP, {"code": "X-1", "secret": "mật-khẩu"})
    assert link.status_code == 302
    page = client.get(link["Location"])
    assert page.status_code == 404
    assert "Không tìm thấy hồ sơ" in page.content.decode()


def test_the_redirected_link_is_throttled_like_the_form(settings, db) -> None:
    settings.DOSSIER_LOOKUP_RATE = "1/m"
    client = Client()
    answers = [
        client.get(LOOKUP, {"code": "X-1", "secret": "SAI"}, follow=True).status_code
        for _ in range(2)
    ]
    assert answers == [404, 429]


def test_header_answers_conform_to_the_schema(api, alice_dossier) -> None:
    """Through the WSGI application with the fuzzer's checks, as the contract
    tests do for the query parameter."""
    _, dossier = alice_dossier
    code = {"code": dossier.code}
    ok = call(
        api,
        DOSSIER,
        200,
        path_parameters=code,
        headers={"X-Lookup-Secret": dossier.lookup_secret},
    ).json()
    assert ok["code"] == dossier.code
    wrong = call(
        api, DOSSIER, 404, path_parameters=code, headers={"X-Lookup-Secret": "SAI"}
    ).json()
    assert wrong["code"] == "not_found"
