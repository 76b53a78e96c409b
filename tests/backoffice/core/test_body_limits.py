"""Request bodies are capped per route, before anything reads them."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest
from pypdf import PdfReader, PdfWriter

from backoffice.core.middleware import FORM_FIELDS_MARGIN, request_body_limit
from backoffice.dossiers.models import DraftFile
from tests.fixtures.uploads import form_data, real_pdf

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
CSRF_COOKIE = "a" * 32


class ExplodingInput:
    """A wsgi.input that fails the test if anything reads the body."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, *args, **kwargs) -> bytes:
        self.reads += 1
        raise AssertionError("the request body was read")

    readline = read


def padded_pdf(size: int) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(real_pdf())))
    writer.add_metadata({"/Padding": "0" * size})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _post_without_body(
    path: str, length: int, **extra: str
) -> tuple[object, ExplodingInput]:
    # The CSRF check reads the body of a POST that carries a CSRF cookie; with
    # checks enforced this is what an anonymous attacker's request looks like.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_COOKIE
    body = ExplodingInput()
    response = client.generic(
        "POST",
        path,
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(length),
            "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        },
        **extra,
    )
    return response, body


@pytest.mark.parametrize(
    "path", ["/tra-cuu-ho-so/", "/en/tra-cuu-ho-so/", "/tai-khoan/dang-nhap/"]
)
def test_a_huge_anonymous_post_gets_413_unread(path) -> None:
    response, body = _post_without_body(path, 300 * MIB)
    assert response.status_code == 413
    assert body.reads == 0
    page = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in page and "1 MB" in page
    assert response["Content-Type"].startswith("text/html")


def test_an_upload_route_refuses_above_its_own_cap(settings) -> None:
    settings.UPLOAD_MAX_DOSSIER_BYTES = 5 * MIB
    response, body = _post_without_body("/nop-ho-so/1.001193/", 300 * MIB)
    assert response.status_code == 413 and body.reads == 0
    assert "6 MB" in response.content.decode()


def test_the_api_gets_json(settings) -> None:
    response, body = _post_without_body("/api/v1/procedures", 2 * MIB)
    assert response.status_code == 413 and body.reads == 0
    assert "quá lớn" in response.json()["detail"]


def test_a_body_of_unknown_length_is_refused() -> None:
    client = Client()
    body = ExplodingInput()
    response = client.generic(
        "POST",
        "/tra-cuu-ho-so/",
        **{"wsgi.input": body, "HTTP_TRANSFER_ENCODING": "chunked"},
    )
    assert response.status_code == 411 and body.reads == 0
    assert "Content-Length" in response.content.decode()


def test_route_caps(settings) -> None:
    settings.REQUEST_MAX_BODY_BYTES = MIB
    settings.UPLOAD_MAX_DOSSIER_BYTES = 100 * MIB
    settings.SCAN_MAX_FILE_BYTES = 200 * MIB
    dossier, scan = 100 * MIB + FORM_FIELDS_MARGIN, 200 * MIB + FORM_FIELDS_MARGIN
    assert request_body_limit("/tra-cuu-ho-so/") == MIB
    assert request_body_limit("/nop-ho-so/1.001193/xem-lai/") == MIB
    assert request_body_limit("/khong-co-trang-nay/x/y/") == MIB
    assert request_body_limit("/nop-ho-so/1.001193/") == dossier
    assert request_body_limit("/en/nop-ho-so/1.001193/") == dossier
    assert request_body_limit("/ho-so-cua-toi/X-1/bo-sung/") == dossier
    assert request_body_limit("/backoffice/ho-so/X-1/thao-tac/") == dossier
    assert request_body_limit("/backoffice/tiep-nhan/quet/") == scan
    assert request_body_limit("/backoffice/tiep-nhan/ho-so/X-1/quet/") == scan
    assert request_body_limit("/admin/documents/multiple/add/") == dossier
    assert request_body_limit("/admin/documents/chooser/create/") == dossier
    assert request_body_limit("/admin/pages/3/edit/") == dossier
    assert request_body_limit("/admin/procedures/import/") == dossier
    assert request_body_limit("/backoffice/account/login/") == MIB


def test_an_upload_route_accepts_a_body_under_its_cap(
    signed_in_citizen,
    birth_registration,
) -> None:
    # A 3 MiB PDF: over the cap of ordinary forms, under the wizard's.
    content = padded_pdf(3 * MIB)
    upload = SimpleUploadedFile("to-khai.pdf", content)
    response = signed_in_citizen.post(
        f"/nop-ho-so/{birth_registration.code}/",
        form_data(birth_registration, c0=upload),
    )
    assert response.status_code == 302, response.content[:500]
    draft_file = DraftFile.objects.get()
    assert draft_file.size == len(content)
    # The same body to an ordinary form is refused.
    response = signed_in_citizen.post(
        "/tra-cuu-ho-so/", {"code": "X", "secret": "Y", "pad": "0" * (3 * MIB)}
    )
    assert response.status_code == 413


def test_an_ordinary_small_post_still_works(client) -> None:
    response = client.post("/tra-cuu-ho-so/", {"code": "KHONG-CO", "secret": "X"})
    assert response.status_code == 404  # not found, and not refused for its size


def test_views_declare_their_own_caps(settings) -> None:
    from django.urls import reverse

    settings.REQUEST_MAX_BODY_BYTES = MIB
    settings.EXCHANGE_MAX_PACKET_BYTES = 64 * MIB
    settings.INCOMING_MAX_MAIL_BYTES = 60 * MIB
    settings.UPLOAD_MAX_DOSSIER_BYTES = 100 * MIB
    assert request_body_limit(reverse("exchange-packets")) == 65 * MIB
    assert request_body_limit(reverse("exchange-status")) == 65 * MIB
    assert request_body_limit(reverse("incoming-receive")) == 61 * MIB
    assert request_body_limit(reverse("outgoing-new")) == 101 * MIB
    assert request_body_limit(reverse("outgoing-edit", args=[1])) == 101 * MIB
    assert request_body_limit(reverse("exchange-traces")) == MIB
