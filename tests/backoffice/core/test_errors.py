"""Unexpected failures: a database outage is a clean 503, anything else a bare 500."""

from django.db import OperationalError
from django.test import Client

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_no_raise() -> Client:
    return Client(raise_request_exception=False)


def _break_lookup(monkeypatch, exc: Exception) -> None:
    def broken(**kwargs):
        raise exc

    monkeypatch.setattr("portal.api.dossiers.dossier_public_lookup", broken)


def test_database_down_is_a_503_with_retry_after_in_the_api_shape(
    client_no_raise, monkeypatch, settings
) -> None:
    settings.DEBUG = False
    _break_lookup(monkeypatch, OperationalError("connection refused"))
    response = client_no_raise.get(
        "/api/v1/dossiers/X-1/status", {"secret": "ABCDEFGH"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.json()
    assert body["code"] == "unavailable"
    assert "thử lại" in body["detail"]


def test_database_down_on_a_page_is_a_503_page_without_details(rf) -> None:
    from backoffice.core.errors import server_error

    try:
        raise OperationalError('server closed the connection "secret detail"')
    except OperationalError:
        # Django calls handler500 inside its except block, as here.
        response = server_error(rf.get("/thu-tuc/"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "gián đoạn" in html
    assert "secret detail" not in html and "Traceback" not in html


def test_other_failures_stay_a_bare_500(client_no_raise, monkeypatch, settings) -> None:
    settings.DEBUG = False
    _break_lookup(monkeypatch, RuntimeError("bug"))
    response = client_no_raise.get(
        "/api/v1/dossiers/X-1/status", {"secret": "ABCDEFGH"}
    )
    assert response.status_code == 500
    assert response.json()["code"] == "error"
    assert "Retry-After" not in response
