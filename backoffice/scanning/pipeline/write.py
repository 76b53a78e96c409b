"""The last steps of a page: its files (JPEG, one-page PDF with text layer) and
its thumbnail; Tesseract is called from here.

Tesseract reads the upright page once and writes, in one call, the invisible
text layer as a PDF (its own renderer, `textonly_pdf`), the TSV (confidence) and
the plain text; the page image of the PDF is encoded here, as small as the page
allows (pdfpage), and the text page laid over it.
"""

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

import cv2
import numpy as np

from .base import PageContext, Step
from .errors import ScanInputError
from .imaging import reduced
from .pdfpage import image_pdf, page_layers, with_text_layer

JPEG_QUALITY = 80
TESSERACT = shutil.which("tesseract") or "/usr/bin/tesseract"
THUMBNAIL_WIDTH = 240
TESSERACT_TIMEOUT = 180  # seconds for one page; a dense A4 page takes 3–10 s
# A low-resolution source is read at the batch resolution (the render upscales
# it, cubic); below OCR_MIN_DPI it would be upscaled again for Tesseract. Measured
# on generated 150-dpi bitonal pages (bench/scan_fidelity.py, "lowres_ocr"):
# read at 150 dpi 99.90 %, at 200 99.93 %, upscaled to 300 99.78–99.80 % — a
# further upscale does not help, so none happens at the pipeline's 200–600 dpi.
OCR_MIN_DPI = 200
LOW_SOURCE_DPI = 250


def tesseract_env() -> dict:
    # OpenMP threads inside Tesseract fight each other on two cores (3 s → 16 s a
    # page); one thread per process and pages in parallel is far faster.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def tesseract_osd(page: PageContext) -> int | None:
    """Tesseract's orientation detection (slow, ~1 s): only for pages the text
    lines leave undecided. Returns the clockwise correction."""
    small = reduced(page.image, page.dpi, 300)
    path = page.path(".osd.png")
    cv2.imwrite(str(path), small)
    try:
        done = subprocess.run(  # noqa: S603 — fixed argv, no shell
            [
                TESSERACT,
                str(path),
                "stdout",
                "--psm",
                "0",
                "--dpi",
                str(min(page.dpi, 300)),
            ],
            capture_output=True,
            text=True,
            env=tesseract_env(),
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        path.unlink(missing_ok=True)
    for line in done.stdout.splitlines():
        if line.startswith("Rotate:"):
            return int(line.split(":")[1]) % 360
    return None


def parse_tsv(path: Path) -> float | None:
    weighted = weight = 0.0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        try:
            conf = float(cells[10])
        except ValueError:
            continue
        text = cells[11].strip()
        if conf < 0 or not text:
            continue
        weighted += conf * len(text)
        weight += len(text)
    return round(weighted / weight, 2) if weight else None


def ocr_scale(page: PageContext) -> float:
    """How much larger than the page Tesseract should read it (1 = as it is).

    Only a low-resolution source is read larger: rendered at a batch dpi below
    OCR_MIN_DPI it is upscaled again (cubic) to OCR_MIN_DPI."""
    source = page.source_dpi or page.dpi
    if source >= LOW_SOURCE_DPI or page.dpi >= OCR_MIN_DPI:
        return 1.0
    return OCR_MIN_DPI / page.dpi


def record_ocr_dpi(page: PageContext) -> None:
    """A low-resolution source is read upscaled: by the render to the batch dpi
    (cubic), and to OCR_MIN_DPI where the batch dpi is lower; the page record
    says at which resolution OCR read it."""
    source = page.source_dpi or page.dpi
    if source < LOW_SOURCE_DPI and round(source) < page.dpi * ocr_scale(page):
        page.ocr_dpi = round(page.dpi * ocr_scale(page))


class WritePage(Step):
    """The upright page as JPEG (what Tesseract and the review screen read) and a
    one-page PDF: the page image encoded by content (bitonal, grey, colour), and
    with OCR Tesseract's text layer, TSV and text from one call."""

    name = "write"

    def can_run(self, page: PageContext) -> bool:
        return not page.blank

    def run(self, page: PageContext) -> None:
        jpeg = page.path(".jpg")
        ok, data = cv2.imencode(
            ".jpg", page.image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
        )
        if not ok:
            raise ScanInputError(
                _("Không ghi được ảnh trang %(page)s.") % {"page": page.index + 1}
            )
        data = with_dpi(data.tobytes(), page.dpi)
        jpeg.write_bytes(data)
        page.image_path = jpeg
        height, width = page.image.shape[:2]
        colour = page.colour if page.has_colour else None
        page.encoding, layers = page_layers(
            page.image, colour, page.dpi, analysis=page.reduced()
        )
        pdf = page.path(".pdf")
        if page.ocr and page.sheet is None and not page.dark:
            text_pdf = self._ocr(page, jpeg)
            try:
                pdf.write_bytes(with_text_layer(layers, text_pdf))
            finally:
                text_pdf.unlink(missing_ok=True)
        else:
            pdf.write_bytes(image_pdf(layers, width=width, height=height, dpi=page.dpi))
        page.pdf_path = pdf
        page.pdf_bytes = pdf.stat().st_size

    def _ocr(self, page: PageContext, jpeg: Path) -> Path:
        """Run Tesseract; returns its text-only one-page PDF."""
        base = page.path("-ocr")
        source, dpi = jpeg, page.dpi
        scale = ocr_scale(page)
        if scale > 1:
            # A low-resolution source: letters too small for Tesseract's models.
            dpi = round(page.dpi * scale)
            upscaled = cv2.resize(
                page.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC
            )
            source = page.path(".ocr.png")
            cv2.imwrite(str(source), upscaled)
        record_ocr_dpi(page)
        try:
            done = subprocess.run(  # noqa: S603 — fixed argv, no shell
                [
                    TESSERACT,
                    str(source),
                    str(base),
                    "-l",
                    "vie",
                    "--dpi",
                    str(dpi),
                    "--psm",
                    "3",
                    "-c",
                    "textonly_pdf=1",
                    "pdf",
                    "tsv",
                    "txt",
                ],
                capture_output=True,
                text=True,
                env=tesseract_env(),
                timeout=TESSERACT_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ScanInputError(
                _("Nhận dạng chữ trang %(page)s quá lâu.") % {"page": page.index + 1}
            ) from exc
        finally:
            if source != jpeg:
                source.unlink(missing_ok=True)
        pdf = base.with_suffix(".pdf")
        if done.returncode != 0 or not pdf.exists():
            detail = done.stderr.strip()[:200]
            raise ScanInputError(
                _("Nhận dạng chữ trang %(page)s thất bại: %(detail)s")
                % {"page": page.index + 1, "detail": detail}
            )
        txt = base.with_suffix(".txt")
        page.ocr_text = unicodedata.normalize(
            "NFC", txt.read_text(encoding="utf-8")
        ).strip()
        page.ocr_confidence = parse_tsv(base.with_suffix(".tsv"))
        txt.unlink(missing_ok=True)
        base.with_suffix(".tsv").unlink(missing_ok=True)
        return pdf


def with_dpi(jpeg: bytes, dpi: int) -> bytes:
    """Set the JFIF density so viewers and Tesseract know the page's size."""
    if jpeg[2:4] == b"\xff\xe0" and jpeg[6:11] == b"JFIF\x00":
        density = bytes([1]) + dpi.to_bytes(2, "big") + dpi.to_bytes(2, "big")
        return jpeg[:13] + density + jpeg[18:]
    return jpeg


class Thumbnail(Step):
    name = "thumbnail"

    def run(self, page: PageContext) -> None:
        # Colour pages keep their colour in the thumbnail: the seal shows.
        source = page.colour if page.has_colour and page.colour is not None else None
        image = (
            reduced(source, page.dpi) if source is not None else page.reduced()
        )  # shrink the cheap way first, then to size
        scale = THUMBNAIL_WIDTH / image.shape[1]
        size = (THUMBNAIL_WIDTH, max(1, round(image.shape[0] * scale)))
        thumb = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        path = page.path(".thumb.jpg")
        cv2.imwrite(
            str(path), np.ascontiguousarray(thumb), [cv2.IMWRITE_JPEG_QUALITY, 75]
        )
        page.thumbnail_path = path

    def cleanup(self, page: PageContext) -> None:
        page.image = None
        page.colour = None
