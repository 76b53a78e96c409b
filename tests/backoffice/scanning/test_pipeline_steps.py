"""Page steps on generated scans: borders, blank pages, orientation, deskew."""

import random
from pathlib import Path

import numpy as np
import pytest

from backoffice.scanning.pipeline.base import PageContext
from backoffice.scanning.pipeline.imaging import ink_mask, reduced
from backoffice.scanning.pipeline.layout import refine_angle
from backoffice.scanning.pipeline.sources import PageRef
from backoffice.scanning.pipeline.steps import CropBorders, Deskew, DetectBlank, Orient
from tests.support.synthetic import ScanStyle, _blank_page, scan, text_page

DPI = 150


def _context(image, tmp_path):
    page = PageContext(
        index=0,
        ref=PageRef(Path("x.pdf"), "pdf", 0),
        dpi=DPI,
        ocr=False,
        outdir=tmp_path,
    )
    page.image = image
    return page


def _scanned(seed, **style):
    rng = random.Random(seed)
    upright, _text = text_page(rng, DPI)
    image, rotation, skew = scan(upright, rng, ScanStyle(**style), DPI)
    return image, rotation, skew


@pytest.mark.parametrize("seed", range(6))
def test_orientation_and_skew_are_undone(seed, tmp_path):
    image, rotation, skew = _scanned(seed, turn_probability=1.0, border_probability=1.0)
    assert rotation in (90, 180, 270)
    page = _context(image, tmp_path)
    for step in (CropBorders(), DetectBlank(), Orient(), Deskew()):
        if step.can_run(page):
            step.run(page)
    assert not page.blank
    assert page.rotation == rotation
    assert abs(page.skew - skew) < 0.3
    # Measured again on the corrected page, the lines are level.
    residual = refine_angle(ink_mask(reduced(page.image, DPI)))
    assert abs(residual) < 0.3


def test_dark_borders_are_removed(tmp_path):
    rng = random.Random(3)
    upright, _ = text_page(rng, DPI)
    image = upright.copy()
    image[:, :30] = 20  # a dark band down the left edge
    image[-25:, :] = 35  # and along the bottom
    page = _context(image, tmp_path)
    CropBorders().run(page)
    assert page.image.shape[1] <= image.shape[1] - 30
    assert page.image.shape[0] <= image.shape[0] - 25
    assert (page.image[:, :5] > 200).mean() > 0.99
    assert (page.image[-5:, :] > 200).mean() > 0.99


@pytest.mark.parametrize("seed", range(4))
def test_blank_pages_with_speckle_and_bleed_through_are_blank(seed, tmp_path):
    rng = random.Random(seed)
    image, _, _ = scan(_blank_page(rng, DPI), rng, ScanStyle(speckle=(300, 400)), DPI)
    page = _context(image, tmp_path)
    CropBorders().run(page)
    DetectBlank().run(page)
    assert page.blank


def test_a_page_with_a_single_short_line_is_not_blank(tmp_path):
    from PIL import Image, ImageDraw

    from tests.support.synthetic import _canvas, _font

    canvas = Image.fromarray(_canvas(DPI))
    ImageDraw.Draw(canvas).text(
        (300, 600), "Ký tên: Nguyễn Văn An", font=_font("DejaVuSans.ttf", 25), fill=0
    )
    page = _context(np.asarray(canvas), tmp_path)
    DetectBlank().run(page)
    assert not page.blank


def test_undecided_pages_ask_tesseract_osd(tmp_path, monkeypatch):
    from backoffice.scanning.pipeline import steps

    calls = []
    original = steps.tesseract_osd

    def spy(page):
        calls.append(page.index)
        return original(page)

    monkeypatch.setattr(steps, "tesseract_osd", spy)
    monkeypatch.setattr(Orient, "UNSURE", 1.0)  # every page counts as undecided
    image, rotation, skew = _scanned(11, turn_probability=1.0)
    page = _context(image, tmp_path)
    for step in (CropBorders(), Orient(), Deskew()):
        step.run(page)
    assert calls == [0]
    assert page.rotation == rotation
    assert abs(page.skew - skew) < 0.3
