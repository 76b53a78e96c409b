"""Dossier files over HTTP: staff and citizens get them sandboxed, never sniffed."""

import pytest

from backoffice.dossiers.models import Dossier
from tests.fixtures.citizens import signed_in
from tests.fixtures.uploads import real_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(served_dossier: Dossier) -> Dossier:
    return served_dossier


@pytest.fixture
def staff_client(served_dossier_staff_client):
    return served_dossier_staff_client


def _sandboxed(response) -> None:
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert "no-store" in response["Cache-Control"]


def test_staff_see_a_pdf_inline_in_the_sandbox(dossier, staff_client) -> None:
    record = dossier.files.get(original_name="tờ khai.pdf")
    response = staff_client.get(f"/backoffice/ho-so/{dossier.code}/tep/{record.pk}/")
    _sandboxed(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content) == real_pdf()


def test_staff_download_anything_else(dossier, staff_client) -> None:
    image = dossier.files.get(original_name="giay-chung-sinh.png")
    response = staff_client.get(f"/backoffice/ho-so/{dossier.code}/tep/{image.pk}/")
    _sandboxed(response)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    unreadable = dossier.files.get(original_name="cu.pdf")
    response = staff_client.get(
        f"/backoffice/ho-so/{dossier.code}/tep/{unreadable.pk}/"
    )
    _sandboxed(response)
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_citizen_downloads_their_own_file(dossier) -> None:
    client = signed_in(dossier.owner)
    record = dossier.files.get(original_name="tờ khai.pdf")
    response = client.get(f"/ho-so-cua-toi/{dossier.code}/tep/{record.pk}/")
    _sandboxed(response)
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == real_pdf()
