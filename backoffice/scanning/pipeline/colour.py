"""Colour on a page: is there any (seal, signature, photo), and where.

Coloured ink is told by its chroma, max(B, G, R) − min(B, G, R), on a reduced
copy: black text, grey paper and JPEG's chroma fringes around black letters stay
below the threshold once the copy is reduced and opened; a red seal or a blue
ballpoint stroke is far above it. Chroma rather than HSV saturation, because
saturation of near-black pixels is noise divided by almost nothing.
"""

import cv2
import numpy as np

from .imaging import reduced

CHROMA_MIN = 55  # 0–255; paper and black ink stay below ~25 after reduction
VALUE_MIN = 60  # the brightest channel: darker than this is ink, whatever its hue
COLOUR_MM2 = 12.0  # this much coloured ink makes a colour page (a seal is ~1000)
DETECT_DPI = 50
REGION_MARGIN_MM = 3.0
REGION_JOIN_MM = 6.0
# Colour regions covering more of the page than this: the whole page in colour.
WHOLE_PAGE = 0.45


def colour_mask(small: np.ndarray) -> np.ndarray:
    """Coloured ink of a (reduced) BGR image, as a 0/255 mask."""
    top = small.max(axis=2)
    chroma = top.astype(np.int16) - small.min(axis=2)
    mask = ((chroma >= CHROMA_MIN) & (top >= VALUE_MIN)).astype(np.uint8) * 255
    # Single pixels are JPEG chroma noise; strokes survive a 2×2 opening.
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))


def has_colour(colour: np.ndarray, dpi: int) -> bool:
    """True when the page carries at least COLOUR_MM2 of coloured ink."""
    small = reduced(colour, dpi, DETECT_DPI)
    small_dpi = dpi * small.shape[1] / colour.shape[1]
    area_mm2 = float(np.count_nonzero(colour_mask(small))) * (25.4 / small_dpi) ** 2
    return area_mm2 >= COLOUR_MM2


def colour_regions(colour: np.ndarray, dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h, full-resolution pixels) around the coloured marks, a
    few millimetres wide of them, nearby marks joined (a seal over a signature is
    one box). Empty when there is no colour."""
    small = reduced(colour, dpi, DETECT_DPI)
    scale = colour.shape[1] / small.shape[1]
    small_dpi = dpi / scale
    mask = colour_mask(small)
    join = max(1, round(REGION_JOIN_MM / 25.4 * small_dpi))
    mask = cv2.dilate(mask, np.ones((join, join), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_area = COLOUR_MM2 / 4 * (small_dpi / 25.4) ** 2
    margin = REGION_MARGIN_MM / 25.4 * dpi
    height, width = colour.shape[:2]
    boxes = []
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        if area < min_area:
            continue
        x0 = max(0, int(x * scale - margin))
        y0 = max(0, int(y * scale - margin))
        x1 = min(width, int((x + w) * scale + margin))
        y1 = min(height, int((y + h) * scale + margin))
        boxes.append((x0, y0, x1 - x0, y1 - y0))
    return _merged(boxes)


def _merged(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Overlapping boxes joined until none overlaps (patches must not stack)."""
    boxes = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                ax, ay, aw, ah = boxes[i]
                bx, by, bw, bh = boxes[j]
                if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                    x0, y0 = min(ax, bx), min(ay, by)
                    x1, y1 = max(ax + aw, bx + bw), max(ay + ah, by + bh)
                    boxes[i] = (x0, y0, x1 - x0, y1 - y0)
                    del boxes[j]
                    changed = True
                    break
            if changed:
                break
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def whitened(bgr: np.ndarray) -> np.ndarray:
    """Paper made white (bright, colourless pixels), so JPEG spends nothing on
    its grain; ink and coloured marks are unchanged."""
    top = bgr.max(axis=2)
    chroma = top.astype(np.int16) - bgr.min(axis=2)
    paper = (top >= 200) & (chroma < 30)
    out = bgr.copy()
    out[paper] = 255
    return out
