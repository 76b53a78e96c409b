"""The submission wizard over HTTP: drafts, submit, and every refused upload.

A refused upload must show its message on the field and leave nothing behind: no
draft file, no dossier, no stored bytes under MEDIA_ROOT.
"""

import io
import struct
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pypdf import PdfWriter

from backoffice.dossiers.models import Dossier, DraftFile
from backoffice.dossiers.uploads import UploadRejected, check_upload
from tests.fixtures.uploads import form_data, real_pdf, stored_files

pytestmark = pytest.mark.django_db


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG whose header claims billions of pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


BAD_UPLOADS = {
    "wrong type renamed to .pdf": (
        "giay-chung-sinh.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        "không thuộc các định dạng",
    ),
    "corrupt PDF": ("to-khai.pdf", b"%PDF-1.7\n1 0 obj <<\n garbage", "bị hỏng"),
    "encrypted PDF": ("to-khai.pdf", None, "mật khẩu"),
    "over-size file": ("to-khai.pdf", "big", "vượt quá dung lượng"),
    "image bomb": ("giay-chung-sinh.jpg", "bomb", "điểm ảnh"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_bad_upload_is_refused_on_its_field_and_nothing_is_stored(
    case, signed_in_citizen, birth_registration, settings
) -> None:
    name, content, message = BAD_UPLOADS[case]
    if content is None:
        content = encrypted_pdf()
    elif content == "big":
        settings.UPLOAD_MAX_FILE_BYTES = 50_000
        content = real_pdf() + b"%" + b"0" * 60_000
    elif content == "bomb":
        name, content = "giay-chung-sinh.png", png_bomb()
        component = birth_registration.components.all()[1]
        component.accepted_formats = "pdf, jpg, png"
        component.save()
    component_index = "c1" if name.startswith("giay") else "c0"
    response = signed_in_citizen.post(
        f"/nop-ho-so/{birth_registration.code}/",
        form_data(
            birth_registration,
            **{component_index: SimpleUploadedFile(name, content)},
        ),
    )
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    assert not DraftFile.objects.exists()
    assert not Dossier.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "/var/www/x.pdf", ".."]
)
def test_path_traversal_names_are_refused_by_the_check(name) -> None:
    with pytest.raises(UploadRejected) as refused:
        check_upload(name=name, content=real_pdf())
    assert refused.value.code == "bad_name"


def test_names_are_cleaned_to_nfc_and_stored_under_media_root(
    signed_in_citizen, birth_registration, settings
) -> None:
    decomposed = "to\u0302\u0300 khai\u0000.pdf"  # "tồ khai" decomposed + a NUL
    response = signed_in_citizen.post(
        f"/nop-ho-so/{birth_registration.code}/",
        form_data(birth_registration, c0=SimpleUploadedFile(decomposed, real_pdf())),
    )
    assert response.status_code == 302
    record = DraftFile.objects.get()
    assert record.name == "tồ khai.pdf"
    root = Path(settings.MEDIA_ROOT).resolve()
    assert all(root in p.resolve().parents for p in stored_files(root))


def test_draft_is_saved_resumed_and_submitted(
    signed_in_citizen, birth_registration, settings, celery_eager, agency_pki
) -> None:
    url = f"/nop-ho-so/{birth_registration.code}/"
    saved = signed_in_citizen.post(
        url,
        form_data(birth_registration, c0=SimpleUploadedFile("to-khai.pdf", real_pdf())),
    )
    assert saved.status_code == 302
    # Resume: the first file is kept, the second is added, then review.
    resumed = signed_in_citizen.get(url)
    assert "to-khai.pdf" in resumed.content.decode()
    data = form_data(
        birth_registration,
        c1=SimpleUploadedFile("giay-chung-sinh.pdf", real_pdf("Giấy chứng sinh")),
    )
    data["action"] = "review"
    assert signed_in_citizen.post(url, data).status_code == 302
    review = signed_in_citizen.get(url + "xem-lai/")
    assert "giay-chung-sinh.pdf" in review.content.decode()
    done = signed_in_citizen.post(url + "nop/")
    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert done["Location"].endswith(f"/ho-so-cua-toi/{dossier.code}/")
    assert dossier.files.filter(component__isnull=False).count() == 2
    assert not DraftFile.objects.exists()


def test_review_without_required_components_is_refused(
    signed_in_citizen, birth_registration
) -> None:
    data = form_data(birth_registration)
    data["action"] = "review"
    response = signed_in_citizen.post(f"/nop-ho-so/{birth_registration.code}/", data)
    assert response.status_code == 200
    assert "Thành phần bắt buộc" in response.content.decode()
    assert not Dossier.objects.exists()
