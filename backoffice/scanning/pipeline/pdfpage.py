"""One page of a component PDF: the page image, kept as small as its content
allows, and Tesseract's invisible text layer over it.

- text-only pages: bitonal (1 bit per pixel, Flate) — a 300-dpi A4 text page is
  tens of kilobytes instead of hundreds as a grey JPEG;
- pages with grey pictures (a photocopied ID card): grey JPEG;
- pages with colour (a red seal, a blue signature, a photo): the bitonal page
  with the coloured regions laid over it as colour JPEG patches, or the whole
  page as one colour JPEG when colour covers most of it.

The PDF is written by hand (a few objects, the image bytes as they are) and the
text layer comes from Tesseract's own PDF renderer (`textonly_pdf`): pypdf only
lays the text page over the image page.
"""

import io
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from .colour import WHOLE_PAGE, colour_regions, whitened
from .imaging import reduced

BITONAL, GREY, COLOUR_PATCHES, COLOUR = "bitonal", "grey", "colour_patches", "colour"
ENCODINGS = (BITONAL, GREY, COLOUR_PATCHES, COLOUR)
GREY_JPEG_QUALITY = 60
COLOUR_JPEG_QUALITY = 80  # patches: the seal's edges and hue must survive
COLOUR_PAGE_QUALITY = 55  # a whole colour page (photo) within the 400 KB budget
# Flate level of a bitonal page: measured on a 300-dpi text page, level 4 is
# half the CPU of level 6 (5.5 vs 11 ms) for 3 % more bytes (58 vs 56 KB).
FLATE_LEVEL = 4
# A page whose mid-tones cover this much of it has pictures, not just text.
PICTURE_FRACTION = 0.12


@dataclass
class Layer:
    data: bytes
    filter: str  # "/DCTDecode" or "/FlateDecode"
    colorspace: str  # "/DeviceGray" or "/DeviceRGB"
    bits: int
    width: int  # pixels
    height: int
    box: tuple[int, int, int, int]  # x, y, w, h on the page, in page pixels


def bitonal_threshold(gray: np.ndarray) -> float:
    """Otsu, but never lighter than mid-grey (as imaging.ink_mask); the histogram
    of every 4th pixel each way is the page's histogram to within noise."""
    sample = np.ascontiguousarray(gray[::4, ::4])
    threshold, _ = cv2.threshold(sample, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return min(float(threshold), 160.0)


def _bitonal_layer(gray: np.ndarray) -> Layer:
    height, width = gray.shape
    white = gray >= bitonal_threshold(gray)
    packed = np.packbits(white, axis=1)  # 1 = white in DeviceGray at 1 bit
    return Layer(
        zlib.compress(packed.tobytes(), FLATE_LEVEL),
        "/FlateDecode",
        "/DeviceGray",
        1,
        width,
        height,
        (0, 0, width, height),
    )


def _jpeg_layer(
    image: np.ndarray, quality: int, box: tuple[int, int, int, int]
) -> Layer:
    ok, data = cv2.imencode(
        ".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1]
    )
    if not ok:  # pragma: no cover — OpenCV encodes any 8-bit array
        raise ValueError("JPEG encoding failed")
    colour = image.ndim == 3
    return Layer(
        data.tobytes(),
        "/DCTDecode",
        "/DeviceRGB" if colour else "/DeviceGray",
        8,
        image.shape[1],
        image.shape[0],
        box,
    )


def has_pictures(
    gray: np.ndarray, dpi: int, analysis: np.ndarray | None = None
) -> bool:
    """Whether mid-tones cover a good part of the page (a photo, a shaded form).

    Judged on a 50-dpi copy; with `analysis` (the page's reduced analysis copy)
    that copy is shrunk instead of the full page (a fraction of a millisecond
    against ~5 ms at 300 dpi)."""
    if analysis is not None and 0 < analysis.shape[1] < gray.shape[1]:
        small = reduced(analysis, round(dpi * analysis.shape[1] / gray.shape[1]), 50)
    else:
        small = reduced(gray, dpi, 50)
    mid = (small > 70) & (small < 190)
    return float(np.mean(mid)) > PICTURE_FRACTION


def page_layers(
    gray: np.ndarray,
    colour: np.ndarray | None,
    dpi: int,
    *,
    analysis: np.ndarray | None = None,
) -> tuple[str, list[Layer]]:
    """How the page image is kept (one of ENCODINGS) and its layers, bottom first
    (`analysis`: the page's reduced copy, for the picture check)."""
    height, width = gray.shape
    whole = (0, 0, width, height)
    if colour is not None:
        boxes = colour_regions(colour, dpi)
        area = sum(w * h for _x, _y, w, h in boxes)
        if boxes and area > WHOLE_PAGE * width * height:
            return COLOUR, [_jpeg_layer(whitened(colour), COLOUR_PAGE_QUALITY, whole)]
        if boxes:
            base = (
                _jpeg_layer(gray, GREY_JPEG_QUALITY, whole)
                if has_pictures(gray, dpi, analysis)
                else _bitonal_layer(gray)
            )
            patches = [
                _jpeg_layer(
                    whitened(colour[y : y + h, x : x + w]),
                    COLOUR_JPEG_QUALITY,
                    (x, y, w, h),
                )
                for x, y, w, h in boxes
            ]
            return COLOUR_PATCHES, [base, *patches]
    if has_pictures(gray, dpi, analysis):
        return GREY, [_jpeg_layer(gray, GREY_JPEG_QUALITY, whole)]
    return BITONAL, [_bitonal_layer(gray)]


def image_pdf(layers: list[Layer], *, width: int, height: int, dpi: int) -> bytes:
    """A one-page PDF of `width`×`height` pixels at `dpi` showing the layers."""
    unit = 72 / dpi
    w_pt, h_pt = width * unit, height * unit
    content = b""
    for number, layer in enumerate(layers):
        x, y, w, h = layer.box
        # PDF's origin is bottom-left; page pixels count from the top.
        content += b"q %.3f 0 0 %.3f %.3f %.3f cm /Im%d Do Q\n" % (
            w * unit,
            h * unit,
            x * unit,
            (height - y - h) * unit,
            number,
        )
    first_image = 4
    names = b"".join(b"/Im%d %d 0 R" % (n, first_image + n) for n in range(len(layers)))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 %.3f %.3f]"
        b"/Resources<</XObject<<%s>>>>/Contents %d 0 R>>"
        % (w_pt, h_pt, names, first_image + len(layers)),
    ]
    for layer in layers:
        objects.append(
            b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace%s"
            b"/BitsPerComponent %d/Filter%s/Length %d>>stream\n"
            % (
                layer.width,
                layer.height,
                layer.colorspace.encode(),
                layer.bits,
                layer.filter.encode(),
                len(layer.data),
            )
            + layer.data
            + b"\nendstream"
        )
    objects.append(b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream")
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


def with_text_layer(layers: list[Layer], text_pdf: Path) -> bytes:
    """Tesseract's invisible text page with the image layers drawn under it.

    The text page is taken as it is (its content and font untouched) and the
    images are added as XObjects with one content stream in front: no content
    stream is parsed or rewritten, which pypdf's page merge would do."""
    writer = PdfWriter(clone_from=PdfReader(text_pdf))
    page = writer.pages[0]
    box = page.mediabox
    width_pt, height_pt = float(box.width), float(box.height)
    full_w, full_h = layers[0].box[2], layers[0].box[3]
    sx, sy = width_pt / full_w, height_pt / full_h
    xobjects = DictionaryObject()
    drawing = b""
    for number, layer in enumerate(layers):
        image = StreamObject()
        image.set_data(layer.data)
        image.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(layer.width),
                NameObject("/Height"): NumberObject(layer.height),
                NameObject("/ColorSpace"): NameObject(layer.colorspace),
                NameObject("/BitsPerComponent"): NumberObject(layer.bits),
                NameObject("/Filter"): NameObject(layer.filter),
            }
        )
        name = f"/MotCuaIm{number}"
        xobjects[NameObject(name)] = writer._add_object(image)
        x, y, w, h = layer.box
        drawing += b"q %.3f 0 0 %.3f %.3f %.3f cm %s Do Q\n" % (
            w * sx,
            h * sy,
            x * sx,
            (full_h - y - h) * sy,
            name.encode(),
        )
    resources = page[NameObject("/Resources")].get_object()
    existing = resources.get("/XObject")
    if existing is not None:
        xobjects.update(existing.get_object())
    resources[NameObject("/XObject")] = xobjects
    under = StreamObject()
    under.set_data(drawing)
    # The references, not the streams: a stream inside an array must be indirect.
    contents = page.raw_get("/Contents")
    resolved = contents.get_object()
    parts = resolved if isinstance(resolved, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(under), *parts])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
