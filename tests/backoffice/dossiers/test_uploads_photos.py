"""Phone photos uploaded online (issue 17): HEIC accepted, a photo without a page
or all black refused with a message to take it again, a 100-megapixel photo
refused by the pixel limit; once stored, a flat searchable PDF is made beside
the untouched original, and the same photo uploaded twice is flagged."""

import hashlib
import io
import random

from django.db import transaction

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.filetypes import register_heif_opener
from backoffice.dossiers.models import DossierFile
from backoffice.dossiers.services import dossier_submit
from backoffice.dossiers.uploads import UploadRejected, check_upload
from backoffice.scanning.constants import PhotoOutcome
from backoffice.scanning.models import FlattenedPhoto
from backoffice.scanning.photos import dossier_photo_flatten, flattened_files
from tests.support.synthetic import character_accuracy, phone_photo, text_page

pytestmark = pytest.mark.django_db


def _camera_jpeg(pixels: np.ndarray) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "SynthPhone", "SP-12"
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture(scope="module")
def photo():
    rng = random.Random(21)
    page, text = text_page(rng, 200, lines_min=10)
    made = phone_photo(page, rng, megapixels=3, keystone=18, orientation=6)
    return made.jpeg, text


def _small(jpeg: bytes) -> Image.Image:
    """The photo at ~1 MP with its EXIF: HEVC encoding of 3 MP takes seconds."""
    image = Image.open(io.BytesIO(jpeg))
    exif = image.getexif()
    small = image.resize((image.width // 2, image.height // 2))
    small.info["exif"] = exif.tobytes()
    return small


def test_an_iphone_heic_photo_is_accepted_where_jpg_is(photo):
    register_heif_opener()
    jpeg, _text = photo
    image = _small(jpeg)
    out = io.BytesIO()
    image.save(out, "HEIF", exif=image.info["exif"], quality=50)
    checked = check_upload(
        name="IMG_0001.HEIC", content=out.getvalue(), allowed_formats=["pdf", "jpg"]
    )
    assert checked.media_type == "image/heic"
    assert checked.extension == "heic"
    assert checked.pages == 1


def test_a_heic_photo_is_refused_where_only_pdf_is_accepted(photo):
    register_heif_opener()
    image = Image.new("RGB", (64, 48), (200, 200, 200))
    out = io.BytesIO()
    image.save(out, "HEIF")
    with pytest.raises(UploadRejected) as refused:
        check_upload(name="anh.heic", content=out.getvalue(), allowed_formats=["pdf"])
    assert refused.value.code == "format_not_allowed"


def test_a_photo_of_a_desk_without_a_page_is_refused_with_a_retake_hint():
    desk = np.random.default_rng(2).normal(90, 14, (900, 1200, 3)).clip(0, 255)
    with pytest.raises(UploadRejected) as refused:
        check_upload(name="ban.jpg", content=_camera_jpeg(desk.astype(np.uint8)))
    assert refused.value.code == "photo_no_page"
    assert "chụp lại" in refused.value.message
    assert "ban.jpg" in refused.value.message


def test_an_all_black_photo_is_refused():
    black = np.full((900, 1200, 3), 6, np.uint8)
    with pytest.raises(UploadRejected) as refused:
        check_upload(name="toi.jpg", content=_camera_jpeg(black))
    assert refused.value.code == "photo_dark"
    assert "chụp lại" in refused.value.message


def test_a_100_megapixel_photo_is_refused_by_the_pixel_limit():
    # 10 000 × 10 000 white pixels compress to little; the limit reads the size.
    image = Image.new("L", (10_000, 10_000), 255)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=50)
    with pytest.raises(UploadRejected) as refused:
        check_upload(name="lon.jpg", content=out.getvalue())
    assert refused.value.code == "image_bomb"


def test_a_photo_with_a_page_passes_the_check(photo):
    checked = check_upload(name="to-khai.jpg", content=photo[0])
    assert checked.media_type == "image/jpeg"


def _submit(birth_registration, agency_tree, applicant, uploads):
    from backoffice.dossiers.uploads import CheckedUpload

    components = list(birth_registration.components.all())
    # The second component takes PDF and JPG (tests/fixtures/procedures.py).
    files = {
        components[1].pk: [
            CheckedUpload(
                name=name,
                media_type="image/jpeg",
                extension="jpg",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                pages=1,
                content=content,
            )
            for name, content in uploads
        ],
        components[0].pk: [
            CheckedUpload(
                name="to-khai.pdf",
                media_type="application/pdf",
                extension="pdf",
                size=20,
                sha256=hashlib.sha256(b"%PDF-1.4\n1\n%%EOF\n").hexdigest(),
                pages=1,
                content=b"%PDF-1.4\n1\n%%EOF\n",
            )
        ],
    }
    return dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=files,
    )


@pytest.mark.slow
def test_an_uploaded_photo_gets_a_flat_searchable_pdf_beside_the_original(
    photo,
    birth_registration,
    agency_tree,
    applicant,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    jpeg, text = photo
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _submit(
            birth_registration, agency_tree, applicant, [("to-khai.jpg", jpeg)]
        )
    original = dossier.files.get(original_name="to-khai.jpg")
    record = FlattenedPhoto.objects.get(original=original)
    assert record.outcome == PhotoOutcome.FLATTENED
    derived = record.derived
    assert derived.media_type == "application/pdf"
    assert derived.component_id == original.component_id
    assert derived.original_name == "to-khai-phang.pdf"
    assert character_accuracy(derived.ocr_text, text) >= 0.95
    with derived.file.open("rb") as handle:
        layer = PdfReader(handle).pages[0].extract_text()
    assert len(layer.split()) > 30
    # The original is untouched.
    with original.file.open("rb") as handle:
        assert handle.read() == jpeg
    assert original.sha256 == hashlib.sha256(jpeg).hexdigest()
    assert flattened_files([original])[original.pk].derived == derived
    assert AuditLogEntry.objects.filter(
        action="dossier_file.photo_flattened", object_id=str(original.pk)
    ).exists()
    # Running it again changes nothing.
    files = DossierFile.objects.filter(dossier=dossier).count()
    assert dossier_photo_flatten(file_id=original.pk) == record
    assert DossierFile.objects.filter(dossier=dossier).count() == files


def test_the_same_photo_uploaded_twice_is_flagged_not_flattened_again(
    birth_registration, agency_tree, applicant, monkeypatch
):
    jpeg = _camera_jpeg(np.full((300, 400, 3), 200, np.uint8))
    dossier = _submit(
        birth_registration,
        agency_tree,
        applicant,
        [("lan-1.jpg", jpeg), ("lan-2.jpg", jpeg)],
    )
    first = dossier.files.get(original_name="lan-1.jpg")
    second = dossier.files.get(original_name="lan-2.jpg")
    made = dossier_photo_flatten(file_id=second.pk)
    assert made.outcome == PhotoOutcome.DUPLICATE
    assert made.duplicate_of == first
    assert made.derived is None


def test_a_stored_photo_without_a_page_keeps_its_original_and_makes_nothing(
    birth_registration, agency_tree, applicant
):
    desk = np.random.default_rng(3).normal(90, 14, (600, 800, 3)).clip(0, 255)
    jpeg = _camera_jpeg(desk.astype(np.uint8))
    with transaction.atomic():
        dossier = _submit(
            birth_registration, agency_tree, applicant, [("ban.jpg", jpeg)]
        )
    original = dossier.files.get(original_name="ban.jpg")
    made = dossier_photo_flatten(file_id=original.pk)
    assert made.outcome == PhotoOutcome.NO_PAGE
    assert made.derived is None
    assert dossier.files.count() == 2
    with original.file.open("rb") as handle:
        assert handle.read() == jpeg


def test_a_phone_scan_that_fills_the_frame_is_accepted_as_it_is():
    """A phone's scanner app crops to the page and keeps the camera's EXIF: there
    is no desk to find, and the page is already flat."""
    rng = random.Random(22)
    page, _text = text_page(rng, 100)
    rgb = np.dstack([page] * 3)
    checked = check_upload(name="quet.jpg", content=_camera_jpeg(rgb))
    assert checked.media_type == "image/jpeg"


def test_an_uploaded_image_that_is_already_a_flat_page_is_made_searchable(
    birth_registration, agency_tree, applicant
):
    rng = random.Random(23)
    page, text = text_page(rng, 150, lines_min=10)
    out = io.BytesIO()
    Image.fromarray(page).save(out, "JPEG", quality=90, dpi=(150, 150))
    dossier = _submit(
        birth_registration, agency_tree, applicant, [("quet.jpg", out.getvalue())]
    )
    original = dossier.files.get(original_name="quet.jpg")
    made = dossier_photo_flatten(file_id=original.pk)
    assert made.outcome == PhotoOutcome.FLATTENED
    assert character_accuracy(made.derived.ocr_text, text) >= 0.95
