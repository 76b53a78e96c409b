"""Scan fidelity (issue 17): colour kept where a page has it, phone photos
flattened, low-resolution bitonal pages read, and what bad pages become."""

import io
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from backoffice.scanning.pipeline import (
    REVIEW_DARK_PAGE,
    REVIEW_PHOTO_NO_PAGE,
    scan_run,
)
from backoffice.scanning.pipeline.colour import colour_regions, has_colour
from backoffice.scanning.pipeline.photo import find_page, hash_distance, page_hash
from backoffice.scanning.sheets import sheets_pdf
from tests.support.synthetic import (
    ScanStyle,
    character_accuracy,
    colour_page,
    fax_page,
    hue_difference,
    phone_photo,
    region_hue,
    scan,
    scan_colour,
    text_page,
    write_bitonal,
    write_colour_pdf,
    write_pages,
)

CODE = "000.00.31.H53-20261201-0000001"


def _sheets(path: Path) -> Path:
    path.write_bytes(
        sheets_pdf(
            dossier_code=CODE,
            procedure_code="1.000656",
            procedure_name="Đăng ký khai sinh",
            applicant_name="Lê Hoàng Phúc",
            agency_name="UBND phường 6",
            components=[(1, "Tờ khai")],
        )
    )
    return path


def _component_pdf(result) -> Path:
    [dossier] = result.dossiers
    [component] = dossier.components
    return Path(component.pdf_path)


def _images(page):
    return [image.image for image in page.images]


@pytest.fixture(scope="module")
def colour_batch(tmp_path_factory):
    """Sheets, then a colour scan of a sealed page and a grey text page, at 300 dpi,
    run once with OCR."""
    tmp = tmp_path_factory.mktemp("colour")
    rng = random.Random(17)
    sealed = colour_page(rng, 300)
    text, _ = text_page(rng, 300)
    scanned, _rotation, _skew = scan(text, rng, ScanStyle.clean(), 300)
    colour_pdf = write_colour_pdf(
        [scan_colour(sealed.image, rng), cv2.cvtColor(scanned, cv2.COLOR_GRAY2BGR)],
        tmp / "mau.pdf",
        300,
    )
    result = scan_run(
        sources=[_sheets(tmp / "to-bia.pdf"), colour_pdf], workdir=tmp / "w", dpi=300
    )
    return sealed, result


@pytest.mark.slow
def test_the_seal_keeps_its_colour_in_the_component_pdf(colour_batch):
    sealed, result = colour_batch
    sealed_page, text_only = result.pages[2], result.pages[3]
    assert sealed_page.has_colour and sealed_page.encoding == "colour_patches"
    assert not text_only.has_colour and text_only.encoding == "bitonal"
    reader = PdfReader(_component_pdf(result))
    assert len(reader.pages) == 2
    assert any(image.mode == "RGB" for image in _images(reader.pages[0]))
    # What staff see: the component page rendered in colour, the seal's right
    # half (the signature stops short of it) compared with the seal as drawn.
    from pdf2image import convert_from_path

    shown = convert_from_path(
        _component_pdf(result), dpi=300, first_page=1, last_page=1
    )
    bgr = np.asarray(shown[0].convert("RGB"))[:, :, ::-1]
    x, y, w, h = sealed.seal_box
    seal = bgr[y : y + h, x + w // 2 : x + w]
    assert hue_difference(region_hue(seal), sealed.seal_hue) <= 10
    # The text-only page holds no colour at all: one 1-bit image.
    [plain] = _images(reader.pages[1])
    assert plain.mode == "1"


@pytest.mark.slow
def test_colour_and_text_pages_stay_within_their_size_budget(colour_batch):
    _sealed, result = colour_batch
    sealed_page, text_only = result.pages[2], result.pages[3]
    assert sealed_page.pdf_bytes <= 400 * 1024
    assert text_only.pdf_bytes <= 120 * 1024


@pytest.mark.slow
def test_the_text_layer_is_kept_on_colour_and_bitonal_pages(colour_batch):
    _sealed, result = colour_batch
    reader = PdfReader(_component_pdf(result))
    for page in reader.pages:
        text = page.extract_text()
        assert len(text.split()) > 20
    assert result.pages[2].ocr_confidence > 80


def test_colour_detection_ignores_grey_pages_and_jpeg_chroma_noise():
    rng = random.Random(3)
    gray, _ = text_page(rng, 150)
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    # A grey page saved as a low-quality colour JPEG: chroma noise, no colour.
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 30])
    noisy = cv2.imdecode(data, cv2.IMREAD_COLOR)
    assert not has_colour(noisy, 150)
    assert colour_regions(noisy, 150) == []
    sealed = colour_page(rng, 150).image
    assert has_colour(sealed, 150)
    assert len(colour_regions(sealed, 150)) >= 1


def test_a_phone_photo_becomes_a_flat_searchable_page(tmp_path):
    rng = random.Random(4)
    page = colour_page(rng, 200)
    photo = phone_photo(page.image, rng, megapixels=4, keystone=20, orientation=6)
    source = tmp_path / "anh-chup.jpg"
    source.write_bytes(photo.jpeg)
    original = source.read_bytes()
    result = scan_run(sources=[source], workdir=tmp_path / "w", dpi=200)
    [found] = result.pages
    assert found.camera and found.flattened and found.has_colour
    assert found.rotation == 0  # EXIF orientation applied before anything else
    assert character_accuracy(found.ocr_text, page.text) >= 0.95
    text = PdfReader(found.pdf_path).pages[0].extract_text()
    assert "Ủy ban" in text or "hồ sơ" in text
    assert source.read_bytes() == original


def test_the_page_of_a_photo_is_found_within_a_few_pixels():
    rng = random.Random(8)
    gray, _ = text_page(rng, 100)
    photo = phone_photo(gray, rng, megapixels=2, keystone=-25, orientation=1)
    bgr = cv2.imdecode(np.frombuffer(photo.jpeg, np.uint8), cv2.IMREAD_COLOR)
    corners = find_page(bgr)
    assert corners is not None
    assert np.abs(corners - photo.corners).max() < 0.01 * bgr.shape[0]


def test_two_photos_of_one_page_hash_alike_and_other_pages_do_not():
    rng = random.Random(9)
    one, _ = text_page(rng, 100)
    other, _ = text_page(rng, 100)
    noisy = np.clip(one.astype(int) + rng.randint(5, 9), 0, 255).astype(np.uint8)
    assert hash_distance(page_hash(one), page_hash(noisy)) <= 8
    assert hash_distance(page_hash(one), page_hash(other)) > 8


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".tif", ".pdf"])
def test_150_dpi_bitonal_pages_split_orient_and_read(tmp_path, suffix):
    rng = random.Random(15)
    sheets = [
        np.where(np.asarray(p.convert("L")) < 128, 0, 255).astype(np.uint8)
        for p in _sheet_images(150)
    ]
    fax, truth = fax_page(rng, 150)
    upside_down = cv2.rotate(fax, cv2.ROTATE_180)
    source = write_bitonal([*sheets, upside_down], tmp_path / f"fax{suffix}", 150)
    result = scan_run(sources=[source], workdir=tmp_path / "w", dpi=300)
    assert [p.sheet.kind if p.sheet else None for p in result.pages[:2]] == [
        "COVER",
        "SEP",
    ]
    page = result.pages[2]
    assert page.rotation == 180
    assert round(page.source_dpi) == 150
    assert page.ocr_dpi == 300  # read upscaled, and the record says so
    assert _component_pdf(result).exists()
    assert character_accuracy(page.ocr_text, truth) >= 0.98


def test_a_200_dpi_batch_reads_a_150_dpi_page_at_200_and_says_so(tmp_path):
    rng = random.Random(16)
    fax, truth = fax_page(rng, 150)
    source = write_bitonal([fax], tmp_path / "fax.tif", 150)
    result = scan_run(sources=[source], workdir=tmp_path / "w", dpi=200)
    [page] = result.pages
    assert round(page.source_dpi) == 150
    assert page.ocr_dpi == 200
    assert character_accuracy(page.ocr_text, truth) >= 0.98


def test_a_page_at_its_own_resolution_records_no_upscale(tmp_path):
    rng = random.Random(18)
    fax, _truth = fax_page(rng, 200)
    source = write_bitonal([fax], tmp_path / "fax.tif", 200)
    result = scan_run(sources=[source], workdir=tmp_path / "w", dpi=200)
    [page] = result.pages
    assert round(page.source_dpi) == 200
    assert page.ocr_text and page.ocr_dpi is None


def _sheet_images(dpi: int):
    from pdf2image import convert_from_bytes

    return convert_from_bytes(
        sheets_pdf(
            dossier_code=CODE,
            procedure_code="1.000656",
            procedure_name="Đăng ký khai sinh",
            applicant_name="Lê Hoàng Phúc",
            agency_name="UBND phường 6",
            components=[(1, "Tờ khai")],
        ),
        dpi=dpi,
    )


def test_an_all_black_page_waits_for_a_rescan_and_is_not_filed(tmp_path):
    rng = random.Random(5)
    sheets = [np.asarray(p.convert("L")) for p in _sheet_images(150)]
    text, _ = text_page(rng, 150)
    black = np.full_like(text, 8)
    source = write_pages([*sheets, black, text], tmp_path / "lo.pdf", 150)
    result = scan_run(sources=[source], workdir=tmp_path / "w", dpi=200, ocr=False)
    assert result.pages[2].dark
    assert result.pages[2].review_reason == REVIEW_DARK_PAGE
    assert _component_pages(result) == [3]
    assert 2 in result.unmatched_pages


def _component_pages(result):
    [dossier] = result.dossiers
    [component] = dossier.components
    return component.pages


def test_a_camera_photo_without_a_page_is_kept_and_reviewed(tmp_path):
    rng = random.Random(6)
    desk = (np.random.default_rng(1).normal(90, 12, (1200, 900, 3))).clip(0, 255)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "SynthPhone", "SP-12"
    out = io.BytesIO()
    Image.fromarray(desk.astype(np.uint8)).save(out, "JPEG", exif=exif.tobytes())
    source = tmp_path / "ban.jpg"
    source.write_bytes(out.getvalue())
    result = scan_run(sources=[source], workdir=tmp_path / "w", dpi=200, ocr=False)
    [page] = result.pages
    assert page.camera and not page.flattened
    assert page.review_reason == REVIEW_PHOTO_NO_PAGE
    assert source.read_bytes() == out.getvalue()
    del rng


def test_heic_photos_are_scanned_like_jpeg(tmp_path):
    from backoffice.dossiers.filetypes import register_heif_opener

    register_heif_opener()
    rng = random.Random(7)
    page = colour_page(rng, 100)
    photo = phone_photo(page.image, rng, megapixels=2, orientation=1)
    image = Image.open(io.BytesIO(photo.jpeg))
    source = tmp_path / "iphone.heic"
    image.save(source, "HEIF", exif=image.getexif().tobytes())
    result = scan_run(sources=[source], workdir=tmp_path / "w", dpi=200, ocr=False)
    [found] = result.pages
    assert found.camera and found.flattened


def test_a_scanner_jpeg_with_its_make_is_not_taken_for_a_phone_photo():
    from backoffice.scanning.pipeline.photo import is_camera_image

    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "imageRUNNER"
    out = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(
        out, "JPEG", exif=exif.tobytes(), dpi=(300, 300)
    )
    assert not is_camera_image(Image.open(io.BytesIO(out.getvalue())))
    exif.get_ifd(0x8769)[0x829D] = 1.8  # an f-number: a camera's
    out = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(
        out, "JPEG", exif=exif.tobytes(), dpi=(300, 300)
    )
    assert is_camera_image(Image.open(io.BytesIO(out.getvalue())))
