"""Small image helpers shared by the steps."""

import cv2
import numpy as np

# Layout analysis (orientation, skew, blank pages) works on a reduced copy: text
# lines are still several pixels high and everything is 4–9 times cheaper.
ANALYSIS_DPI = 100


def reduced(image: np.ndarray, dpi: int, target: int = ANALYSIS_DPI) -> np.ndarray:
    """The image shrunk by the whole factor nearest to dpi/target. A whole factor
    on a size it divides takes OpenCV's fast area path (3–10 times faster than a
    fractional one); the few edge pixels it drops carry no content."""
    factor = max(1, round(dpi / target))
    if factor == 1:
        return image
    height, width = image.shape[:2]
    height, width = height - height % factor, width - width % factor
    if height < factor or width < factor:
        return image
    return cv2.resize(
        image[:height, :width],
        (width // factor, height // factor),
        interpolation=cv2.INTER_AREA,
    )


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark-on-light ink as a boolean mask; Otsu, but never lighter than mid-grey so
    a clean page's paper texture is not promoted to ink."""
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    threshold = min(float(threshold), 160.0)
    return gray < threshold


def rotate_right_angle(image: np.ndarray, clockwise: int) -> np.ndarray:
    clockwise %= 360
    if clockwise == 90:
        return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    if clockwise == 180:
        return cv2.rotate(image, cv2.ROTATE_180)
    if clockwise == 270:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return image


def rotate_small(image: np.ndarray, degrees_ccw: float) -> np.ndarray:
    """Rotate by a small angle about the centre, keeping the size, filling white."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees_ccw, 1.0)
    return cv2.warpAffine(
        image,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(255, 255, 255),
    )


def jpeg_pdf(jpeg: bytes, *, width: int, height: int, dpi: int) -> bytes:
    """A one-page PDF showing a grayscale JPEG at `dpi`, the JPEG embedded as is
    (no second compression, and far faster than going through Pillow)."""
    w_pt, h_pt = width * 72 / dpi, height * 72 / dpi
    content = b"q %.3f 0 0 %.3f 0 0 cm /Im0 Do Q" % (w_pt, h_pt)
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 %.3f %.3f]"
        b"/Resources<</XObject<</Im0 4 0 R>>>>/Contents 5 0 R>>" % (w_pt, h_pt),
        b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray"
        b"/BitsPerComponent 8/Filter/DCTDecode/Length %d>>stream\n"
        % (width, height, len(jpeg))
        + jpeg
        + b"\nendstream",
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
