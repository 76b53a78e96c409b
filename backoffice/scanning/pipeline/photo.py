"""Phone photos of a paper page: find the page, flatten it to A4, even the light.

A citizen photographs a page on a desk: the page is a quadrilateral (keystone up
to ±25°), the desk shows around it, the light falls off towards one side and a
hand casts a shadow. The page is found on a ~1000-pixel copy (Canny edges, then
the largest convex four-cornered contour; failing that, the bright paper against
the darker desk by Otsu), warped to A4 at the batch resolution, and divided by
its own blurred background so that paper is white and ink dark everywhere.

No Django models here: the scan pipeline and the upload check both use it.
"""

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

A4_MM = (210.0, 297.0)
PROBE_SIDE = 1000  # pixels of the long side the page is looked for on
MIN_PAGE_FRACTION = 0.12  # a page smaller than this part of the photo is not found
MAX_PAGE_FRACTION = 0.995
CAMERA_TAGS = (0x010F, 0x0110)  # Make, Model: cameras and some scanners write them
EXIF_IFD = 0x8769
EXPOSURE_TAGS = (0x829A, 0x829D, 0x920A, 0x8827)  # exposure, f-number, focal, ISO


class NoPageFound(Exception):
    """The photo shows no paper page that could be flattened."""


@dataclass
class Photo:
    """A photo decoded upright (EXIF rotation applied), as BGR pixels."""

    bgr: np.ndarray
    camera: bool  # taken by a camera (EXIF Make/Model, or HEIC)


def is_camera_image(image: Image.Image) -> bool:
    """A photo from a phone or camera, not a scanner's image: HEIC; or an image
    with exposure data (exposure time, f-number, focal length, ISO); or one with a
    Make/Model tag but no scanning resolution (scanners write 150–600 dpi, their
    own make too; phones write 72 or nothing)."""
    if (image.format or "").upper() in ("HEIF", "HEIC", "AVIF"):
        return True
    try:
        exif = image.getexif()
        exposure = exif.get_ifd(EXIF_IFD)
    except (AttributeError, OSError, ValueError, KeyError):  # broken EXIF
        return False
    if any(tag in exposure for tag in EXPOSURE_TAGS):
        return True
    dpi = image.info.get("dpi", (0, 0))[0] or 0
    return any(exif.get(tag) for tag in CAMERA_TAGS) and float(dpi) < 100


def upright_rgb(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says, in RGB."""
    turned = ImageOps.exif_transpose(image) or image
    return turned.convert("RGB")


def open_photo(content: bytes) -> Photo:
    """Decode a JPEG/PNG/HEIC photo; OSError/ValueError when it cannot be read."""
    from backoffice.dossiers.filetypes import register_heif_opener

    register_heif_opener()
    with Image.open(io.BytesIO(content)) as image:
        camera = is_camera_image(image)
        rgb = upright_rgb(image)
    return Photo(bgr=np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1]), camera=camera)


def is_dark(gray: np.ndarray) -> bool:
    """An all-black page or photo (lens covered, no light): nothing to read on it."""
    small = gray if gray.size <= 1_000_000 else gray[::4, ::4]
    return float(np.mean(small)) < 40 and float(np.mean(small > 110)) < 0.02


def looks_flat(gray: np.ndarray) -> bool:
    """A page already filling the frame (a phone's scanner app crops it): mostly
    paper-bright, so there is no desk around it to find, and nothing to flatten."""
    small = gray if gray.size <= 1_000_000 else gray[::4, ::4]
    return float(np.mean(small > 160)) > 0.6


def _order(points: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    points = points.reshape(4, 2).astype(np.float32)
    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(sums)],
            points[np.argmin(diffs)],
            points[np.argmax(sums)],
            points[np.argmax(diffs)],
        ],
        dtype=np.float32,
    )


def _plausible(quad: np.ndarray, area: float, image_area: float) -> bool:
    if not MIN_PAGE_FRACTION * image_area <= area <= MAX_PAGE_FRACTION * image_area:
        return False
    if not cv2.isContourConvex(quad.reshape(-1, 1, 2).astype(np.int32)):
        return False
    corners = _order(quad)
    sides = [np.linalg.norm(corners[i] - corners[(i + 1) % 4]) for i in range(4)]
    if min(sides) < 0.15 * max(sides):
        return False
    # Every corner between 45° and 135°: ±25° keystone stays well inside.
    for i in range(4):
        a = corners[i - 1] - corners[i]
        b = corners[(i + 1) % 4] - corners[i]
        cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-6))
        if abs(cos) > 0.72:
            return False
    return True


def _quad_of(contour: np.ndarray) -> np.ndarray | None:
    perimeter = cv2.arcLength(contour, True)
    hull = cv2.convexHull(contour)
    for epsilon in (0.02, 0.03, 0.045, 0.06):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) == 4:
            return approx.reshape(4, 2)
    return None


def _candidates(gray: np.ndarray) -> list[np.ndarray]:
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.Canny(blur, 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    found = []
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found += sorted(contours, key=cv2.contourArea, reverse=True)[:6]
    # Fallback: paper is the bright region; text inside is closed over.
    _, paper = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    paper = cv2.morphologyEx(paper, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found += sorted(contours, key=cv2.contourArea, reverse=True)[:2]
    return found


def find_page(bgr: np.ndarray) -> np.ndarray | None:
    """The page's four corners in the photo's pixels (tl, tr, br, bl), or None."""
    height, width = bgr.shape[:2]
    scale = min(1.0, PROBE_SIDE / max(height, width))
    small = cv2.resize(
        bgr, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
    )
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    if is_dark(gray):
        return None
    image_area = float(gray.shape[0] * gray.shape[1])
    best, best_area = None, 0.0
    for contour in _candidates(gray):
        quad = _quad_of(contour)
        if quad is None:
            continue
        area = float(cv2.contourArea(quad.astype(np.float32)))
        if area > best_area and _plausible(quad, area, image_area):
            best, best_area = quad, area
    if best is None:
        return None
    # The page must be lighter than what is around it: a dark rectangle is a desk.
    mask = np.zeros(gray.shape, np.uint8)
    cv2.fillConvexPoly(mask, best.astype(np.int32), 255)
    inside = float(cv2.mean(gray, mask)[0])
    if inside < 110:
        return None
    return _order(best / scale)


def a4_size(corners: np.ndarray, dpi: int) -> tuple[int, int]:
    """Pixel size (width, height) of A4 at `dpi`, landscape when the page lies so."""
    top = np.linalg.norm(corners[1] - corners[0])
    bottom = np.linalg.norm(corners[2] - corners[3])
    left = np.linalg.norm(corners[3] - corners[0])
    right = np.linalg.norm(corners[2] - corners[1])
    short, long = (round(mm / 25.4 * dpi) for mm in A4_MM)
    if (top + bottom) > (left + right):
        return long, short
    return short, long


# The corners are found on a ~1000-pixel copy, a few photo pixels off: taken this
# much inside the page, no strip of desk shows along an edge of the flat page.
INSET = 0.004


def warp(bgr: np.ndarray, corners: np.ndarray, dpi: int) -> np.ndarray:
    width, height = a4_size(corners, dpi)
    centre = corners.mean(axis=0)
    corners = corners + (centre - corners) * INSET * 2
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(
        bgr,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def even_light(bgr: np.ndarray, dpi: int) -> np.ndarray:
    """Divide by the paper's own brightness (ink closed away on a reduced copy),
    so shadows and light fall-off vanish and paper becomes white; the ratio is
    the same for every channel, so a red seal keeps its hue."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    factor = max(1, round(dpi / 25))
    small = cv2.resize(
        gray,
        (max(1, gray.shape[1] // factor), max(1, gray.shape[0] // factor)),
        interpolation=cv2.INTER_AREA,
    )
    # At ~25 dpi a text line is 2–4 pixels: a 9-pixel closing removes the ink.
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    background = cv2.medianBlur(background, 5)
    background = cv2.GaussianBlur(background, (0, 0), 3)
    background = cv2.resize(
        background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR
    )
    scale = 255.0 / np.maximum(background.astype(np.float32), 40.0)
    out = bgr.astype(np.float32) * scale[:, :, None] * 1.04
    return np.clip(out, 0, 255).astype(np.uint8)


def flatten(bgr: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """The page of a photo flattened to A4 at `dpi` with even light, and its corners
    in the photo; NoPageFound when there is no page to flatten."""
    corners = find_page(bgr)
    if corners is None:
        raise NoPageFound
    return even_light(warp(bgr, corners, dpi), dpi), corners


def page_hash(gray: np.ndarray) -> int:
    """A 64-bit difference hash of a flattened page: two photos of the same page
    differ in a few bits, different pages in about half of them."""
    small = cv2.resize(gray, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).ravel()
    return int(sum(1 << i for i, bit in enumerate(bits) if bit))


def hash_distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()
