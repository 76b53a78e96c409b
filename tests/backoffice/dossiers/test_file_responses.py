"""Dossier files over HTTP: staff and citizens get them sandboxed, never sniffed."""

import io

import pytest
from PIL import Image

from backoffice.core.constants import Role
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.services import dossier_submit
from backoffice.dossiers.uploads import check_upload
from tests.fixtures.dossiers import pdf_upload
from tests.portal.test_dossier_tracking import citizen, signed_in
from tests.portal.test_submission_uploads import real_pdf

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def dossier(birth_registration, agency_tree, applicant) -> Dossier:
    first, second = birth_registration.components.all()[:2]
    second.accepted_formats = "pdf, jpg, png"
    second.save()
    owner = citizen("an@example.vn")
    return dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        owner=owner,
        files={
            first.pk: [check_upload(name="tờ khai.pdf", content=real_pdf())],
            second.pk: [
                check_upload(name="giay-chung-sinh.png", content=png()),
                # Stored before the checks existed: a PDF pypdf cannot read.
                pdf_upload("cu.pdf", body=b"not really a pdf"),
            ],
        },
    )


@pytest.fixture
def staff_client(dossier, agency_tree, make_staff, verified_client):
    specialist = make_staff("cv", agency=agency_tree["ward"], role=Role.SPECIALIST)
    return verified_client(specialist)


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
