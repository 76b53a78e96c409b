"""How signatures look on an official document (Decree 30/2020, Appendix I).

- The leader's signature: the signature image (blue PNG) in a box where the
  signature block is (by default the lower right of the last page).
- The agency's signature: the seal image (red PNG, real size, about 36 mm)
  overlapping about a third of the leader's signature on its left.
- Attachments in separate files: the agency's signature without an image at the
  top right of page 1: the number-symbol and the signing time in ISO 8601,
  Vietnam time, 10 pt serif (DejaVu Serif stands in for Times New Roman, which
  Debian does not ship; SIGNING_STAMP_FONT names another TrueType file).

Pure geometry and pyHanko styles; images with no PNG on record are drawn here.
"""

import io
import math
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.stamp import BaseStampStyle, StaticStampStyle

MM = 72 / 25.4
# The signature block of the last page: lower right, above the name.
LEADER_BOX_WIDTH = 60 * MM
LEADER_BOX_HEIGHT = 25 * MM
LEADER_RIGHT_MARGIN = 25 * MM
LEADER_BOTTOM = 45 * MM
SEAL_DIAMETER = 36 * MM
# Top right of page 1 for an attachment: two lines of 10 pt.
STAMP_WIDTH = 62 * MM
STAMP_HEIGHT = 11 * MM
STAMP_MARGIN = 10 * MM
BLUE = (20, 40, 170, 255)
RED = (210, 20, 30, 255)


@dataclass(frozen=True)
class Appearance:
    """Where a visible signature goes (0-based page, box in PDF points) and how it
    looks (a pyHanko stamp style)."""

    page: int
    box: tuple[float, float, float, float]
    style: BaseStampStyle


@dataclass(frozen=True)
class Placement:
    """Where the leader's signature block is on the page, in millimetres from the
    lower left; None: the default position on the last page."""

    page: int = -1
    x_mm: float | None = None
    y_mm: float | None = None


def leader_box(
    page_width: float, placement: Placement | None = None
) -> tuple[float, float, float, float]:
    """The leader's signature box in points."""
    if placement is not None and placement.x_mm is not None:
        x = placement.x_mm * MM
        y = (placement.y_mm or 0) * MM
    else:
        x = page_width - LEADER_RIGHT_MARGIN - LEADER_BOX_WIDTH
        y = LEADER_BOTTOM
    return (x, y, x + LEADER_BOX_WIDTH, y + LEADER_BOX_HEIGHT)


def seal_box(leader: tuple[float, float, float, float]) -> tuple[float, ...]:
    """The seal's box: its right part covers the left third of the leader's box,
    vertically centred on it."""
    x1, y1, x2, y2 = leader
    third = (x2 - x1) / 3
    right = x1 + third
    middle = (y1 + y2) / 2
    return (
        right - SEAL_DIAMETER,
        middle - SEAL_DIAMETER / 2,
        right,
        middle + SEAL_DIAMETER / 2,
    )


def stamp_box(page_width: float, page_height: float) -> tuple[float, ...]:
    """The attachment stamp's box: top right of the page."""
    x2, y2 = page_width - STAMP_MARGIN, page_height - STAMP_MARGIN
    return (x2 - STAMP_WIDTH, y2 - STAMP_HEIGHT, x2, y2)


def _pdf_image(png: bytes) -> PdfImage:
    image = Image.open(io.BytesIO(png))
    image.load()
    return PdfImage(image.convert("RGBA"))


def image_style(png: bytes) -> StaticStampStyle:
    """An image, no border, no text (the leader's signature or the seal)."""
    return StaticStampStyle(
        background=_pdf_image(png), border_width=0, background_opacity=1
    )


def stamp_font_path() -> str:
    return str(settings.SIGNING_STAMP_FONT)


def text_pdf(text: str, width: float, height: float) -> bytes:
    """A one-page PDF of the box's size with `text` right-aligned from the top,
    10 pt serif (vector text; embedded TrueType subset)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "MotCuaStamp"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(font, stamp_font_path()))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(width, height))
    page.setFont(font, 10)
    y = height - 10
    for line in text.splitlines():
        page.drawRightString(width, y, line)
        y -= 12
    page.showPage()
    page.save()
    return buffer.getvalue()


def text_style(pdf_path: str) -> StaticStampStyle:
    """The text page written by `text_pdf` (stored at `pdf_path` while signing),
    no border, no background image."""
    return StaticStampStyle(
        background=ImportedPdfPage(pdf_path), border_width=0, background_opacity=1
    )


def _font(size: int, *, bold: bool = False, italic: bool = False) -> ImageFont:
    style = {(False, False): "", (True, False): "-Bold", (False, True): "-Italic"}
    name = f"DejaVuSerif{style.get((bold, italic), '-BoldItalic')}"
    return ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{name}.ttf", size)


@cache
def drawn_signature_png(name: str) -> bytes:
    """A stand-in signature image (blue, transparent) for a key without one."""
    image = Image.new("RGBA", (600, 250), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    words = name.split()
    mark = words[-1] if words else name
    draw.text((40, 40), mark, font=_font(110, italic=True), fill=BLUE)
    draw.line([(30, 200), (250, 170), (420, 210), (570, 160)], fill=BLUE, width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@cache
def drawn_seal_png(agency_name: str) -> bytes:
    """A stand-in seal image (red rings, a star and the agency name) for an
    agency certificate without one."""
    size = 500
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=RED, width=14)
    draw.ellipse((70, 70, size - 70, size - 70), outline=RED, width=6)
    centre = size / 2
    points = []
    for index in range(10):
        radius = 70 if index % 2 == 0 else 28
        angle = math.pi / 2 + index * math.pi / 5
        points.append(
            (centre + radius * math.cos(angle), centre - radius * math.sin(angle))
        )
    draw.polygon(points, fill=RED)
    font = _font(30, bold=True)
    words = agency_name.upper().split()
    lines = [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]
    for offset, line in zip((-140, 110), lines, strict=True):
        width = draw.textlength(line, font=font)
        draw.text((centre - width / 2, centre + offset), line, font=font, fill=RED)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
