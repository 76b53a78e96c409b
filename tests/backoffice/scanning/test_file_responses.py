"""Scan originals and page thumbnails over HTTP: downloads, sandboxed."""

from django.core.files.base import ContentFile

import pytest

from backoffice.scanning.models import ScanBatch, ScanPage
from backoffice.scanning.services import scan_batch_create
from tests.fixtures.uploads import png, real_pdf

from . import counter_helpers

pytestmark = pytest.mark.django_db

counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer


@pytest.fixture
def batch(officer, counter_dossier) -> ScanBatch:
    return scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="ho-so-quet.pdf",
        content=real_pdf("Bản quét"),
        dossier=counter_dossier,
        enqueue=False,
    )


@pytest.fixture
def page(batch) -> ScanPage:
    page = ScanPage(batch=batch, index=0)
    page.thumbnail.save("trang-1.png", ContentFile(png()), save=False)
    page.save()
    return page


def _sandboxed(response) -> None:
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].startswith("attachment;")


def test_scan_original_is_a_sandboxed_download(verified_client, officer, batch) -> None:
    response = verified_client(officer).get(
        f"/backoffice/tiep-nhan/lo-quet/{batch.pk}/goc/"
    )
    _sandboxed(response)
    assert "ho-so-quet.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == real_pdf("Bản quét")


def test_thumbnail_is_sandboxed_and_still_shows_in_pages(
    verified_client, officer, page
) -> None:
    response = verified_client(officer).get(
        f"/backoffice/tiep-nhan/trang/{page.pk}/anh/"
    )
    _sandboxed(response)  # <img> shows an attachment all the same
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=300"
    assert b"".join(response.streaming_content) == png()
