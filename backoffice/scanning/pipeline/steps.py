"""The page steps, in the order they run (see STEPS at the bottom).

Dark scanner borders are aligned with the scanner, not with the paper, so they are
removed before anything turns the page; blank pages are recognised right after,
so nothing is spent on them; a QR sheet's code also tells its orientation, which
is cheaper and surer than reading text lines. Once read, a sheet has told all it
has to tell: it is not analysed for colour, and it is turned, deskewed, written
and thumbnailed at a lower resolution (SHEET_DPI), so it costs a fraction of a
content page.
"""

import math
import time

import cv2
import numpy as np
import zxingcpp

from backoffice.scanning.sheets import parse_payload

from . import photo
from .base import PageContext, Step
from .colour import has_colour
from .imaging import ink_mask, rotate_right_angle, rotate_small
from .layout import find_layout, refine_angle, upright_score
from .sources import render_page_full
from .write import (
    JPEG_QUALITY,
    TESSERACT,
    TESSERACT_TIMEOUT,
    THUMBNAIL_WIDTH,
    Thumbnail,
    WritePage,
    tesseract_osd,
)

# A read QR sheet's image is kept at this resolution (see ReadSheet._keep_small).
SHEET_DPI = 150

__all__ = [
    "JPEG_QUALITY",
    "SHEET_DPI",
    "STEPS",
    "TESSERACT",
    "TESSERACT_TIMEOUT",
    "THUMBNAIL_WIDTH",
    "Thumbnail",
    "WritePage",
    "process_page",
    "tesseract_osd",
]


class Render(Step):
    """The page at the batch resolution, with its colour when it has some; a
    camera photo has its page found, warped to A4 and its light evened."""

    name = "render"

    def run(self, page: PageContext) -> None:
        rendered = render_page_full(page.ref, page.dpi)
        page.image = np.ascontiguousarray(rendered.gray)
        page.colour = rendered.colour
        page.source_dpi = rendered.source_dpi
        page.camera = rendered.camera
        if not rendered.camera:
            return
        bgr = (
            rendered.colour
            if rendered.colour is not None
            else cv2.cvtColor(rendered.gray, cv2.COLOR_GRAY2BGR)
        )
        try:
            flat, _corners = photo.flatten(bgr, page.dpi)
        except photo.NoPageFound:
            # Kept as photographed; unless the page fills the frame already, the
            # page record says no page was found and a person looks at it.
            page.no_page = not photo.looks_flat(page.image)
            return
        page.colour = np.ascontiguousarray(flat)
        page.image = cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY)
        page.flattened = True


class CropBorders(Step):
    """Whiten dark regions that touch the edge and run along it (scanner lid,
    corners left by a tilted sheet), then crop to the paper."""

    name = "borders"
    DARK = 90
    FEW_EDGE_PIECES = 16  # measured one by one below this many

    def run(self, page: PageContext) -> None:
        image = page.image
        small = page.reduced()
        # All black (lid open, lens covered): not a border to crop away, and not
        # blank either, but a page with nothing to read; it goes to review.
        page.dark = photo.is_dark(small)
        if page.dark:
            return
        border, boxes = self._border(small)
        if border is None:
            return
        # Rows/columns that are entirely border are cropped away.
        rows = np.nonzero(border.min(axis=1) == 0)[0]
        cols = np.nonzero(border.min(axis=0) == 0)[0]
        if not (rows.size and cols.size):
            # Nothing but border: the whole page is whitened, nothing cropped.
            page.transform(lambda pixels: np.full_like(pixels, 255))
            return
        r0, r1 = int(rows[0]), int(rows[-1]) + 1
        c0, c1 = int(cols[0]), int(cols[-1]) + 1
        scale = image.shape[0] / small.shape[0]
        scale_x = image.shape[1] / small.shape[1]
        top, bottom = int(r0 * scale), int(r1 * scale)
        left, right = int(c0 * scale_x), int(c1 * scale_x)
        page.transform(
            lambda pixels: pixels[top:bottom, left:right],
            on_reduced=lambda reduced: np.maximum(reduced, border * 255)[r0:r1, c0:c1],
        )
        # Border pixels left inside the crop become white, the rest unchanged: only
        # the boxes around the border's pieces are scaled up (a scanner's dark
        # bands are thin strips; a full-page mask costs ~8 ms at 300 dpi).
        for x, y, w, h in boxes:
            y0 = max(top, math.ceil(y * scale))
            y1 = min(bottom, math.ceil((y + h) * scale))
            x0 = max(left, math.ceil(x * scale_x))
            x1 = min(right, math.ceil((x + w) * scale_x))
            if y0 >= y1 or x0 >= x1:
                continue
            # The reduced box scaled up (nearest) onto its full-page pixels.
            piece = border[
                int(y0 / scale) : math.ceil(y1 / scale),
                int(x0 / scale_x) : math.ceil(x1 / scale_x),
            ]
            mask = cv2.resize(
                piece * 255, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST
            )
            for pixels in (page.image, page.colour):
                if pixels is not None:
                    region = pixels[y0 - top : y1 - top, x0 - left : x1 - left]
                    if region.ndim == 3:
                        region[mask > 0] = 255
                    else:
                        cv2.max(region, mask, dst=region)

    @staticmethod
    def _edge_labels(labels: np.ndarray) -> np.ndarray:
        """The labels of the pieces touching the edge of the page."""
        edge = np.unique(
            np.concatenate((labels[0], labels[-1], labels[:, 0], labels[:, -1]))
        )
        return edge[edge > 0]

    def _border(
        self, small: np.ndarray
    ) -> tuple[np.ndarray | None, list[tuple[int, int, int, int]]]:
        """The border mask of the reduced page (1 = border, grown by two pixels)
        and the boxes around its pieces; (None, []) when there is no border.

        Only dark regions touching the edge can be borders: the page is labelled
        without statistics (text has thousands of pieces, and their statistics
        cost five times the labelling) and the few edge pieces are measured."""
        dark = (small < self.DARK).astype(np.uint8)
        count, labels = cv2.connectedComponents(dark, connectivity=8)
        edge = self._edge_labels(labels)
        height, width = small.shape
        if edge.size > self.FEW_EDGE_PIECES:
            # Speckle along the edge: one pass measuring every piece is cheaper.
            count, labels, stats, _centroids = cv2.connectedComponentsWithStats(
                dark, connectivity=8
            )
            edge = self._edge_labels(labels)
            boxes = [tuple(int(v) for v in stats[label][:4]) for label in edge]
        else:
            boxes = [
                cv2.boundingRect((labels == label).view(np.uint8)) for label in edge
            ]
        found = []
        for label, (x, y, w, h) in zip(edge, boxes, strict=True):
            # Along the edge it touches, a border spans a good part of the side.
            touches_x = x == 0 or x + w >= width
            touches_y = y == 0 or y + h >= height
            if (touches_x and h > 0.25 * height) or (touches_y and w > 0.25 * width):
                found.append((int(label), x, y, w, h))
        if not found:
            return None, []
        keep = np.zeros(count, np.uint8)
        keep[[label for label, *_box in found]] = 1
        # Grow by two pixels: the reduced mask misses the soft edge of the band.
        border = cv2.dilate(keep[labels], np.ones((5, 5), np.uint8))
        boxes = []
        for _label, x, y, w, h in found:
            x0, y0 = max(0, x - 2), max(0, y - 2)
            x1, y1 = min(width, x + w + 2), min(height, y + h + 2)
            boxes.append((x0, y0, x1 - x0, y1 - y0))
        return border, boxes


class DetectBlank(Step):
    """Blank if, after dropping speckle (specks smaller than ~0.5 mm²) and a 4 %
    margin, less than 0.03 % of the page is ink: one short line of text is 0.1 %."""

    name = "blank"
    INK_FRACTION = 0.0003
    MARGIN = 0.04
    SPECK_AREA_MM2 = 0.5

    def can_run(self, page: PageContext) -> bool:
        return not page.dark

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


class DetectColour(Step):
    """Whether the page carries colour (a seal, a signature, a photo); the colour
    copy of a page without any is dropped at once, so the later steps turn and
    deskew one grey image only."""

    name = "colour"

    def can_run(self, page: PageContext) -> bool:
        # A QR sheet's colour copy was dropped when it was read (ReadSheet).
        return page.colour is not None and page.sheet is None

    def run(self, page: PageContext) -> None:
        page.has_colour = not page.blank and has_colour(page.colour, page.dpi)
        if not page.has_colour:
            page.colour = None


class ReadSheet(Step):
    """Cover and separator sheets by their QR code (zxing-cpp: it read noisy,
    skewed 300-dpi pages that OpenCV's detector missed).

    A few reads from cheap to dear, stopping at the first of our payloads: on
    generated scans no single binarizer/scale read every sheet. Past the first
    read of the 100-dpi copy, the others (the 150-dpi copy ~4 ms, the full page
    ~16 ms at 300 dpi) are only made when that copy shows a symbol: zxing saw
    one it could not decode, or a finder pattern of our sheets' size is there.
    On 40 degraded generated batches (287 sheets, 150–300 dpi) every sheet
    showed one and was read on the 100-dpi copy, and no text page showed one:
    a text page costs one read of the 100-dpi copy and the finder search."""

    name = "sheet"
    ATTEMPTS = [
        (100, zxingcpp.Binarizer.LocalAverage, True),
        (150, zxingcpp.Binarizer.LocalAverage, True),
        (150, zxingcpp.Binarizer.GlobalHistogram, False),
        (0, zxingcpp.Binarizer.LocalAverage, True),
        (0, zxingcpp.Binarizer.GlobalHistogram, False),
    ]

    def can_run(self, page: PageContext) -> bool:
        return not page.blank and not page.dark

    def run(self, page: PageContext) -> None:
        seen_error = False
        finders: int | None = None
        for attempt, (dpi, binarizer, downscale) in enumerate(self.ATTEMPTS):
            if attempt and finders is None:
                finders = self._finder_patterns(page)
            if attempt and not seen_error and not finders:
                break  # no symbol in sight: nothing more is read
            image = page.reduced(dpi) if dpi else page.image
            if dpi and image is page.image:
                continue  # the page is already at or below this resolution
            page.qr_reads.append(dpi or page.dpi)
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
                    page.qr_tilt = _qr_tilt(result.position)
                    self._keep_small(page)
                    return
        # Some other QR code (a citizen ID card carries one) is just content; a
        # symbol we could not decode may be one of our sheets: flag it. When a
        # fold or a stain hides a finder pattern zxing sees nothing at all, so
        # large finder patterns of their own also count as a sheet we lost.
        if finders is None:
            finders = self._finder_patterns(page)
        page.sheet_unreadable = seen_error or finders >= 2

    @staticmethod
    def _keep_small(page: PageContext) -> None:
        """A read sheet has told all it has to tell: nobody reads its image at
        full resolution, so it is turned, deskewed, written and thumbnailed at
        SHEET_DPI (or the nearest whole fraction of the batch dpi above it), in
        grey."""
        page.colour = None
        page.has_colour = False
        for factor in range(page.dpi // SHEET_DPI, 1, -1):
            if page.dpi % factor == 0:
                page.shrink(page.dpi // factor)
                return

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


def _qr_tilt(position: zxingcpp.Position) -> float:
    """The tilt of a read QR code from its corners (mean of its top and bottom
    edges), whatever quarter turn it sits in: within ~0.2° of the page's skew
    on generated sheets, close enough to narrow the skew search around it."""
    angles = [
        math.degrees(math.atan2(b.y - a.y, b.x - a.x))
        for a, b in (
            (position.top_left, position.top_right),
            (position.bottom_left, position.bottom_right),
        )
    ]
    tilts = [(angle + 45.0) % 90.0 - 45.0 for angle in angles]
    return round(sum(tilts) / len(tilts), 3)


def _squareish(contour: np.ndarray, area: float) -> bool:
    _x, _y, w, h = cv2.boundingRect(contour)
    return 0.7 <= w / max(h, 1) <= 1.4 and area >= 0.6 * w * h


class Orient(Step):
    name = "orient"
    # Below this up/down score margin the text lines do not decide; OSD is asked.
    UNSURE = 0.04

    def can_run(self, page: PageContext) -> bool:
        return not page.blank and not page.dark

    def run(self, page: PageContext) -> None:
        rotation = page.qr_rotation
        if rotation is None:
            rotation = self._from_text(page)
        if rotation:
            page.transform(
                lambda pixels: rotate_right_angle(pixels, rotation),
                on_reduced=lambda small: rotate_right_angle(small, rotation),
            )
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
    """Level the text lines (a read QR sheet at its lower resolution: its tilt
    is measured on the same 100-dpi copy as before, searched only within
    QR_SPAN of the QR code's own tilt, and the turn costs a quarter)."""

    name = "deskew"
    MIN_ANGLE = 0.05
    QR_SPAN = 1.0  # degrees either side of the QR code's tilt

    def can_run(self, page: PageContext) -> bool:
        return not page.blank and not page.dark

    def run(self, page: PageContext) -> None:
        # The orientation step measured the lines already (a half turn keeps their
        # tilt); after a QR sheet's turn they are measured here.
        angle = page.line_angle
        if angle is None and page.qr_tilt is not None:
            # The projection angle is minus the tilt (see below).
            angle = refine_angle(
                ink_mask(page.reduced()), around=-page.qr_tilt, span=self.QR_SPAN
            )
        elif angle is None:
            angle = refine_angle(ink_mask(page.reduced()))
        if angle is None or abs(angle) < self.MIN_ANGLE:
            return
        # The projection angle is the lines' tilt; turning the other way levels them.
        page.skew = round(-angle, 3)
        page.transform(
            lambda pixels: rotate_small(pixels, page.skew),
            on_reduced=lambda small: rotate_small(small, page.skew),
        )


STEPS: list[Step] = [
    Render(),
    CropBorders(),
    DetectBlank(),
    ReadSheet(),
    DetectColour(),
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
