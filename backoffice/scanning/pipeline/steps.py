"""The page steps, in the order they run (see STEPS at the bottom).

Dark scanner borders are aligned with the scanner, not with the paper, so they are
removed before anything turns the page; blank pages are recognised right after,
so nothing is spent on them; a QR sheet's code also tells its orientation, which
is cheaper and surer than reading text lines.
"""

import os
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

import cv2
import numpy as np
import zxingcpp

from backoffice.scanning.sheets import parse_payload

from .base import PageContext, Step
from .errors import ScanInputError
from .imaging import (
    ink_mask,
    jpeg_pdf,
    reduced,
    rotate_right_angle,
    rotate_small,
)
from .layout import find_layout, refine_angle, upright_score
from .sources import render_page

JPEG_QUALITY = 80
TESSERACT = shutil.which("tesseract") or "/usr/bin/tesseract"
THUMBNAIL_WIDTH = 240
TESSERACT_TIMEOUT = 180  # seconds for one page; a dense A4 page takes 3–10 s


class Render(Step):
    name = "render"

    def run(self, page: PageContext) -> None:
        page.image = np.ascontiguousarray(render_page(page.ref, page.dpi))


class CropBorders(Step):
    """Whiten dark regions that touch the edge and run along it (scanner lid,
    corners left by a tilted sheet), then crop to the paper."""

    name = "borders"
    DARK = 90

    def run(self, page: PageContext) -> None:
        image = page.image
        small = page.reduced()
        scale = image.shape[0] / small.shape[0]
        dark = (small < self.DARK).astype(np.uint8)
        count, labels, stats, _centroids = cv2.connectedComponentsWithStats(
            dark, connectivity=8
        )
        height, width = small.shape
        border_labels = []
        for label in range(1, count):
            x, y, w, h, _area = stats[label]
            touches_x = x == 0 or x + w >= width
            touches_y = y == 0 or y + h >= height
            # Along the edge it touches, a border spans a good part of the side.
            if (touches_x and h > 0.25 * height) or (touches_y and w > 0.25 * width):
                border_labels.append(label)
        if not border_labels:
            return
        border = np.isin(labels, border_labels).astype(np.uint8)
        # Grow by two pixels: the reduced mask misses the soft edge of the band.
        border = cv2.dilate(border, np.ones((5, 5), np.uint8))
        full = cv2.resize(
            border * 255,
            (image.shape[1], image.shape[0]),
            interpolation=cv2.INTER_NEAREST,
        )
        image = cv2.max(image, full)  # border pixels become white, the rest unchanged
        # Crop rows/columns that are entirely border.
        rows = np.nonzero(border.min(axis=1) == 0)[0]
        cols = np.nonzero(border.min(axis=0) == 0)[0]
        if rows.size and cols.size:
            top, bottom = int(rows[0] * scale), int((rows[-1] + 1) * scale)
            left, right = int(cols[0] * scale), int((cols[-1] + 1) * scale)
            image = image[top:bottom, left:right]
        page.image = np.ascontiguousarray(image)


class DetectBlank(Step):
    """Blank if, after dropping speckle (specks smaller than ~0.5 mm²) and a 4 %
    margin, less than 0.03 % of the page is ink: one short line of text is 0.1 %."""

    name = "blank"
    INK_FRACTION = 0.0003
    MARGIN = 0.04
    SPECK_AREA_MM2 = 0.5

    def run(self, page: PageContext) -> None:
        small = page.reduced()
        height, width = small.shape
        my, mx = int(height * self.MARGIN), int(width * self.MARGIN)
        inner = small[my : height - my, mx : width - mx]
        # A fixed threshold: Otsu on an empty page splits paper noise into "ink".
        dark = (inner < 140).astype(np.uint8)
        count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(
            dark, connectivity=8
        )
        dpi = page.dpi * small.shape[1] / page.image.shape[1]
        speck = self.SPECK_AREA_MM2 * (dpi / 25.4) ** 2
        areas = stats[1:, cv2.CC_STAT_AREA]
        ink = float(areas[areas > speck].sum())
        page.blank = ink < self.INK_FRACTION * inner.size


class ReadSheet(Step):
    """Cover and separator sheets by their QR code (zxing-cpp: it read noisy,
    skewed 300-dpi pages that OpenCV's detector missed).

    A few reads from cheap to dear, stopping at the first of our payloads: on
    generated scans no single binarizer/scale read every sheet, and on a page
    without a QR code each attempt costs only a few milliseconds."""

    name = "sheet"
    ATTEMPTS = [
        (100, zxingcpp.Binarizer.LocalAverage, True),
        (150, zxingcpp.Binarizer.LocalAverage, True),
        (150, zxingcpp.Binarizer.GlobalHistogram, False),
        (0, zxingcpp.Binarizer.LocalAverage, True),
        (0, zxingcpp.Binarizer.GlobalHistogram, False),
    ]

    def can_run(self, page: PageContext) -> bool:
        return not page.blank

    def run(self, page: PageContext) -> None:
        seen_error = False
        for dpi, binarizer, downscale in self.ATTEMPTS:
            image = page.reduced(dpi) if dpi else page.image
            if dpi and image is page.image:
                continue  # the page is already at or below this resolution
            results = zxingcpp.read_barcodes(
                image,
                formats=zxingcpp.BarcodeFormat.QRCode,
                binarizer=binarizer,
                try_downscale=downscale,
                return_errors=True,
            )
            for result in results:
                if not result.valid:
                    seen_error = True
                    continue
                payload = parse_payload(result.text)
                if payload is not None:
                    page.sheet = payload
                    # zxing reports how far the symbol is turned clockwise.
                    page.qr_rotation = (
                        -int(round(result.orientation / 90.0)) * 90
                    ) % 360
                    return
        # Some other QR code (a citizen ID card carries one) is just content; a
        # symbol we could not decode may be one of our sheets: flag it. When a
        # fold or a stain hides a finder pattern zxing sees nothing at all, so
        # large finder patterns of their own also count as a sheet we lost.
        page.sheet_unreadable = seen_error or self._finder_patterns(page) >= 2

    @staticmethod
    def _finder_patterns(page: PageContext) -> int:
        """Finder-pattern-like marks (a square ring around a square, 1:1:3:1:1) of
        the size printed on our sheets: 7–22 mm across. A citizen ID's small QR
        code is far below that, and text has no nested squares of that size."""
        small = page.reduced()
        px_per_mm = page.dpi * small.shape[1] / page.image.shape[1] / 25.4
        binary = (small < 128).astype(np.uint8)
        contours, hierarchy = cv2.findContours(
            binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE
        )
        if hierarchy is None:
            return 0
        tree = hierarchy[0]
        lo, hi = (7 * px_per_mm) ** 2, (22 * px_per_mm) ** 2
        sizes = []
        for i, contour in enumerate(contours):
            area = cv2.contourArea(contour)
            if not lo <= area <= hi or not _squareish(contour, area):
                continue
            hole = tree[i][2]
            if hole < 0:
                continue
            core = tree[hole][2]
            if core < 0:
                continue
            hole_ratio = cv2.contourArea(contours[hole]) / area  # (5/7)² ≈ 0.51
            core_ratio = cv2.contourArea(contours[core]) / area  # (3/7)² ≈ 0.18
            if 0.3 <= hole_ratio <= 0.75 and 0.08 <= core_ratio <= 0.35:
                sizes.append(area)
        if len(sizes) < 2:
            return len(sizes)
        # Finder patterns of one code have one size.
        sizes.sort()
        return max(
            sum(1 for other in sizes if 0.6 * size <= other <= size / 0.6)
            for size in sizes
        )


def _squareish(contour: np.ndarray, area: float) -> bool:
    _x, _y, w, h = cv2.boundingRect(contour)
    return 0.7 <= w / max(h, 1) <= 1.4 and area >= 0.6 * w * h


class Orient(Step):
    name = "orient"
    # Below this up/down score margin the text lines do not decide; OSD is asked.
    UNSURE = 0.04

    def can_run(self, page: PageContext) -> bool:
        return not page.blank

    def run(self, page: PageContext) -> None:
        rotation = page.qr_rotation
        if rotation is None:
            rotation = self._from_text(page)
        if rotation:
            page.image = np.ascontiguousarray(rotate_right_angle(page.image, rotation))
        page.rotation = rotation

    def _from_text(self, page: PageContext) -> int:
        small = page.reduced()
        mask = ink_mask(small)
        layout = find_layout(mask)
        if layout is None:
            return 0
        rotation = 90 if layout.vertical else 0
        if rotation:
            mask = rotate_right_angle(mask.astype(np.uint8), 90).astype(bool)
            angle = refine_angle(mask)
        else:
            angle = layout.angle
        page.line_angle = angle
        score = upright_score(mask, angle or 0.0)
        if score is None:
            return rotation
        if abs(score - 0.5) < self.UNSURE:
            osd = tesseract_osd(page)
            if osd is not None:
                if (osd - rotation) % 180:
                    page.line_angle = None  # measured in the other frame
                return osd
        if score < 0.5:
            rotation += 180
        return rotation % 360


class Deskew(Step):
    name = "deskew"
    MIN_ANGLE = 0.05

    def can_run(self, page: PageContext) -> bool:
        return not page.blank

    def run(self, page: PageContext) -> None:
        # The orientation step measured the lines already (a half turn keeps their
        # tilt); after a QR sheet's turn they are measured here.
        angle = page.line_angle
        if angle is None:
            angle = refine_angle(ink_mask(page.reduced()))
        if angle is None or abs(angle) < self.MIN_ANGLE:
            return
        # The projection angle is the lines' tilt; turning the other way levels them.
        page.skew = round(-angle, 3)
        page.image = rotate_small(page.image, page.skew)


def _tesseract_env() -> dict:
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
            env=_tesseract_env(),
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


def _parse_tsv(path: Path) -> float | None:
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


class WritePage(Step):
    """The upright page as JPEG, and a one-page PDF: with OCR, Tesseract writes the
    PDF with its text layer, the TSV (confidence) and the text in one call, so the
    pipeline costs little beyond Tesseract itself."""

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
        data = _with_dpi(data.tobytes(), page.dpi)
        jpeg.write_bytes(data)
        page.image_path = jpeg
        if page.ocr and page.sheet is None:
            self._ocr(page, jpeg)
        else:
            pdf = page.path(".pdf")
            height, width = page.image.shape[:2]
            pdf.write_bytes(jpeg_pdf(data, width=width, height=height, dpi=page.dpi))
            page.pdf_path = pdf

    def _ocr(self, page: PageContext, jpeg: Path) -> None:
        base = page.path("")
        try:
            done = subprocess.run(  # noqa: S603 — fixed argv, no shell
                [
                    TESSERACT,
                    str(jpeg),
                    str(base),
                    "-l",
                    "vie",
                    "--dpi",
                    str(page.dpi),
                    "--psm",
                    "3",
                    "pdf",
                    "tsv",
                    "txt",
                ],
                capture_output=True,
                text=True,
                env=_tesseract_env(),
                timeout=TESSERACT_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ScanInputError(
                f"Nhận dạng chữ trang {page.index + 1} quá lâu."
            ) from exc
        pdf = base.with_suffix(".pdf")
        if done.returncode != 0 or not pdf.exists():
            detail = done.stderr.strip()[:200]
            raise ScanInputError(
                f"Nhận dạng chữ trang {page.index + 1} thất bại: {detail}"
            )
        page.pdf_path = pdf
        txt = base.with_suffix(".txt")
        page.ocr_text = unicodedata.normalize(
            "NFC", txt.read_text(encoding="utf-8")
        ).strip()
        page.ocr_confidence = _parse_tsv(base.with_suffix(".tsv"))


def _with_dpi(jpeg: bytes, dpi: int) -> bytes:
    """Set the JFIF density so viewers and Tesseract know the page's size."""
    if jpeg[2:4] == b"\xff\xe0" and jpeg[6:11] == b"JFIF\x00":
        density = bytes([1]) + dpi.to_bytes(2, "big") + dpi.to_bytes(2, "big")
        return jpeg[:13] + density + jpeg[18:]
    return jpeg


class Thumbnail(Step):
    name = "thumbnail"

    def run(self, page: PageContext) -> None:
        image = page.reduced()  # shrink the cheap way first, then to size
        scale = THUMBNAIL_WIDTH / image.shape[1]
        size = (THUMBNAIL_WIDTH, max(1, round(image.shape[0] * scale)))
        thumb = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        path = page.path(".thumb.jpg")
        cv2.imwrite(str(path), thumb, [cv2.IMWRITE_JPEG_QUALITY, 75])
        page.thumbnail_path = path

    def cleanup(self, page: PageContext) -> None:
        page.image = None


STEPS: list[Step] = [
    Render(),
    CropBorders(),
    DetectBlank(),
    ReadSheet(),
    Orient(),
    Deskew(),
    WritePage(),
    Thumbnail(),
]


def process_page(page: PageContext, steps: list[Step] | None = None) -> PageContext:
    steps = STEPS if steps is None else steps
    try:
        for step in steps:
            if step.can_run(page):
                started, cpu = time.perf_counter(), time.thread_time()
                step.run(page)
                page.timings[step.name] = time.perf_counter() - started
                page.cpu_timings[step.name] = time.thread_time() - cpu
    finally:
        for step in steps:
            step.cleanup(page)
        # Only file paths and small results outlive the page: a 300-page batch
        # must not keep 300 page images (8.7 MB each at 300 dpi) in memory.
        page.drop_images()
    return page
