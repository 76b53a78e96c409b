"""What the pipeline no longer spends on pages that do not need it (issue 17's
speed target): a read QR sheet goes on at a lower resolution and without colour
analysis; a text page is not searched for a QR code at full resolution; the
reduced analysis copy of a page is carried through crop, turn and deskew instead
of being made again from the full page."""

import random
from pathlib import Path

import cv2
import numpy as np
from pdf2image import convert_from_bytes

from backoffice.scanning.pipeline import base, scan_run
from backoffice.scanning.pipeline.base import PageContext
from backoffice.scanning.pipeline.sources import PageRef
from backoffice.scanning.pipeline.steps import (
    SHEET_DPI,
    CropBorders,
    Deskew,
    DetectBlank,
    DetectColour,
    Orient,
    ReadSheet,
)
from backoffice.scanning.sheets import sheets_pdf
from tests.fixtures import scan_batches
from tests.support.synthetic import ScanStyle, scan, text_page

# The shared small batch (made once per module).
batch = scan_batches.batch


def _context(image, dpi, tmp_path, colour=None):
    page = PageContext(
        index=0,
        ref=PageRef(Path("x.pdf"), "pdf", 0),
        dpi=dpi,
        ocr=False,
        outdir=tmp_path,
    )
    page.image = image
    page.colour = colour
    return page


def test_a_read_sheet_goes_on_at_a_lower_resolution(batch, tmp_path):
    result = scan_run(sources=[batch.path], workdir=tmp_path / "w", dpi=300, ocr=False)
    kinds = [page.kind for page in batch.truth.pages]
    assert {"cover", "separator", "content"} <= set(kinds)
    for page, truth in zip(result.pages, batch.truth.pages, strict=True):
        kind = truth.kind
        # Turned and levelled as before, sheets included.
        assert page.rotation == truth.rotation
        assert abs(page.skew - truth.skew) < 0.3
        if kind in ("cover", "separator"):
            assert page.sheet is not None
            # Read once, then turned, deskewed, written and thumbnailed at
            # SHEET_DPI (half the width and height of the batch's 300 dpi)…
            assert page.image_dpi == SHEET_DPI == 150
            height, width = cv2.imread(str(page.image_path), cv2.IMREAD_GRAYSCALE).shape
            assert 1150 <= width <= 1250 and 1650 <= height <= 1760
            # …and not analysed for colour.
            assert "colour" not in page.cpu_timings
        else:
            # A content page keeps the batch resolution.
            assert page.image_dpi == 300
            width = cv2.imread(str(page.image_path), cv2.IMREAD_GRAYSCALE).shape[1]
            assert width > 2000
    # The split still finds every page of every component.
    found = [
        component.pages
        for dossier in result.dossiers
        for component in dossier.components
    ]
    assert found == [
        c["pages"] for d in batch.truth.dossiers() for c in d["components"]
    ]


def test_a_colour_sheet_drops_its_colour_once_read(tmp_path):
    pdf = sheets_pdf(
        dossier_code="000.00.31.H53-20261201-0001701",
        procedure_code="1.000656",
        procedure_name="Đăng ký khai sinh",
        applicant_name="Lê Hoàng Phúc",
        agency_name="UBND phường 6",
        components=[(1, "Tờ khai")],
    )
    colour = np.ascontiguousarray(
        np.asarray(convert_from_bytes(pdf, dpi=300)[0].convert("RGB"))[:, :, ::-1]
    )
    # A red stamp on the cover: on a content page it would make a colour page.
    cv2.circle(colour, (1800, 600), 120, (40, 40, 220), 12)
    page = _context(cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY), 300, tmp_path, colour)
    ReadSheet().run(page)
    assert page.sheet is not None and page.sheet.is_cover
    assert page.colour is None and not page.has_colour
    assert page.dpi == 150 and page.image.shape[1] == colour.shape[1] // 2
    assert not DetectColour().can_run(page)


def test_the_analysis_copy_is_carried_through_crop_turn_and_deskew(
    tmp_path, monkeypatch
):
    rng = random.Random(11)
    upright, _text = text_page(rng, 300)
    image, rotation, skew = scan(
        upright,
        rng,
        ScanStyle(turn_probability=1.0, border_probability=1.0),
        300,
    )
    assert rotation and abs(skew) > 0.3
    shrinks = []
    original = base.reduced

    def counting(pixels, dpi, target=base.ANALYSIS_DPI):
        shrinks.append(pixels.shape)
        return original(pixels, dpi, target)

    monkeypatch.setattr(base, "reduced", counting)
    page = _context(image, 300, tmp_path)
    for step in (CropBorders(), DetectBlank(), Orient(), Deskew()):
        if step.can_run(page):
            step.run(page)
    assert page.rotation == rotation
    assert abs(page.skew - skew) < 0.3
    # The full page was shrunk once, for the borders; the crop, the turn and the
    # deskew each carried the 100-dpi copy along (before: shrunk again after the
    # crop, and after the deskew for the thumbnail).
    assert shrinks == [image.shape]
    assert page.reductions_reused == 3
    small = page.reduced()
    assert abs(small.shape[0] - page.image.shape[0] / 3) <= 2
    assert abs(small.shape[1] - page.image.shape[1] / 3) <= 2


def test_border_whitening_matches_a_full_page_mask(tmp_path):
    """The border is whitened box by box; the result is the page a full-page mask
    gives: dark bands gone along every edge, the text inside untouched."""
    rng = random.Random(3)
    upright, _ = text_page(rng, 300)
    image = upright.copy()
    image[:, :90] = 20  # a dark band down the left edge
    image[-75:, :] = 35  # and along the bottom
    # A tilted sheet's dark corner wedge at the top right.
    wedge = np.array([[2480, 0], [2480, 1200], [2300, 0]], np.int32)
    cv2.fillPoly(image, [wedge], 25)
    colour = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    page = _context(image, 300, tmp_path, colour)
    CropBorders().run(page)
    assert page.image.shape[1] <= image.shape[1] - 90
    assert page.image.shape[0] <= image.shape[0] - 75
    assert (page.image[:, :10] > 200).mean() > 0.99
    assert (page.image[-10:, :] > 200).mean() > 0.99
    assert (page.image[:150, -100:] > 200).mean() > 0.99
    # The colour copy is the same page, pixel for pixel.
    assert np.array_equal(cv2.cvtColor(page.colour, cv2.COLOR_BGR2GRAY), page.image)
    # Every dark pixel left is the text's: the bands are gone, the text is whole.
    ink_before = int(np.count_nonzero(upright < 128))
    ink_after = int(np.count_nonzero(page.image < 128))
    assert abs(ink_after - ink_before) <= 0.02 * ink_before


def test_a_text_page_is_not_searched_for_a_qr_code_at_full_resolution(tmp_path):
    rng = random.Random(5)
    upright, _text = text_page(rng, 300)
    image, _rotation, _skew = scan(upright, rng, ScanStyle.clean(), 300)
    page = _context(image, 300, tmp_path)
    ReadSheet().run(page)
    assert page.sheet is None and not page.sheet_unreadable
    # One cheap read of the 100-dpi copy only: no symbol shows on it (before:
    # two more of the 150-dpi copy, and before those two of the full page).
    assert page.qr_reads == [100]


def test_a_sheet_that_shows_a_symbol_is_still_read_at_full_resolution(
    tmp_path, monkeypatch
):
    """When the reduced copies do not read a sheet whose finder patterns show,
    the full page is read as before."""
    pdf = sheets_pdf(
        dossier_code="000.00.31.H53-20261201-0001701",
        procedure_code="1.000656",
        procedure_name="Đăng ký khai sinh",
        applicant_name="Lê Hoàng Phúc",
        agency_name="UBND phường 6",
        components=[(1, "Tờ khai")],
    )
    gray = np.asarray(convert_from_bytes(pdf, dpi=300)[0].convert("L"))
    page = _context(gray.copy(), 300, tmp_path)
    # The reduced copies read nothing (as on a badly blurred scan).
    monkeypatch.setattr(
        ReadSheet,
        "ATTEMPTS",
        [(100, *ReadSheet.ATTEMPTS[0][1:]), *ReadSheet.ATTEMPTS[3:]],
    )
    blank = np.full((10, 10), 255, np.uint8)
    real_reduced = page.reduced
    monkeypatch.setattr(
        page,
        "reduced",
        lambda target=100: blank if target == 100 else real_reduced(target),
    )
    monkeypatch.setattr(ReadSheet, "_finder_patterns", staticmethod(lambda page: 3))
    ReadSheet().run(page)
    assert page.sheet is not None and page.sheet.is_cover
    assert page.qr_reads == [100, 300]


def test_edge_speckle_takes_the_one_pass_measure_with_the_same_result(
    tmp_path, monkeypatch
):
    rng = random.Random(4)
    upright, _text = text_page(rng, 300)
    image, _rotation, _skew = scan(
        upright, rng, ScanStyle(border_probability=1.0, turn_probability=0.0), 300
    )
    one_by_one = _context(image.copy(), 300, tmp_path)
    CropBorders().run(one_by_one)
    monkeypatch.setattr(CropBorders, "FEW_EDGE_PIECES", 0)
    one_pass = _context(image.copy(), 300, tmp_path)
    CropBorders().run(one_pass)
    assert one_by_one.image.shape != image.shape  # a border was cropped
    assert np.array_equal(one_by_one.image, one_pass.image)
