"""A scan PDF with active content at the counter: refused, or kept and cleaned."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from backoffice.dossiers.uploads import pdf_active_content
from backoffice.scanning.models import ScanBatch
from tests.fixtures.uploads import open_action_js_pdf, stored_files

from . import counter_helpers

pytestmark = pytest.mark.django_db

counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer


def _upload(content: bytes, name: str = "ho-so-quet.pdf") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_counter_upload_refuses_it_and_stores_nothing(
    verified_client, officer, counter_dossier, settings
) -> None:
    client = verified_client(officer)
    response = client.post(
        f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/quet/",
        {"scan": _upload(open_action_js_pdf())},
        follow=True,
    )
    page = response.content.decode()
    assert "nội dung chủ động" in page and "JavaScript" in page
    assert not ScanBatch.objects.exists()
    assert stored_files(settings.MEDIA_ROOT / "scans") == []
    # The loose upload from the counter home is the same route.
    response = client.post(
        "/backoffice/tiep-nhan/quet/",
        {"scan": _upload(open_action_js_pdf()), "agency": "000.01.31.H53"},
        follow=True,
    )
    assert "nội dung chủ động" in response.content.decode()
    assert not ScanBatch.objects.exists()


def test_sanitise_keeps_the_scan_and_serves_it_cleaned(
    verified_client, officer, counter_dossier, settings
) -> None:
    settings.UPLOAD_ACTIVE_CONTENT = "sanitise"
    original = open_action_js_pdf()
    client = verified_client(officer)
    response = client.post(
        f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/quet/",
        {"scan": _upload(original)},
    )
    assert response.status_code == 302
    batch = ScanBatch.objects.get()
    assert batch.sha256 == hashlib.sha256(original).hexdigest()
    with batch.original.open("rb") as handle:
        assert handle.read() == original
    response = client.get(f"/backoffice/tiep-nhan/lo-quet/{batch.pk}/goc/")
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    assert b"/JavaScript" not in served and pdf_active_content(served) == []
    assert len(PdfReader(io.BytesIO(served)).pages) == 1
    assert response["Content-Disposition"].startswith("attachment;")
    with batch.original.open("rb") as handle:
        assert handle.read() == original


def test_every_way_in_refuses_it_not_only_the_counter_form(
    officer, counter_dossier, settings
) -> None:
    """The hot folder and intake_scan store batches through the same service."""
    from backoffice.scanning.constants import BatchSource
    from backoffice.scanning.services import ScanRejected, scan_batch_create

    with pytest.raises(ScanRejected, match="nội dung chủ động"):
        scan_batch_create(
            actor=None,
            agency=None,
            name="may-quet-01.pdf",
            content=open_action_js_pdf(),
            source=BatchSource.HOT_FOLDER,
        )
    assert not ScanBatch.objects.exists()
