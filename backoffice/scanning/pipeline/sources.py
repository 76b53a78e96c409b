"""Input files: recognise them, count their pages, render one page at a time.

Pages are rendered one by one (pdf2image's first_page/last_page, one TIFF frame)
so a 300-page batch never sits in memory whole.
"""

import hashlib
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

import cv2
import numpy as np
from pdf2image import convert_from_path
from pdf2image.exceptions import (
    PDFInfoNotInstalledError,
    PDFPageCountError,
    PDFSyntaxError,
)
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from backoffice.dossiers.filetypes import (
    HEAD_BYTES,
    HEIC,
    JPG,
    PDF,
    PNG,
    TIFF,
    register_heif_opener,
    sniff,
)

from .errors import ScanInputError
from .photo import is_camera_image, upright_rgb

register_heif_opener()

MAX_PAGES = 2000
MAX_IMAGE_PIXELS = 120_000_000  # A3 at 600 dpi is ~70 MP; bigger is not a scan

# What the pipeline renders: the shared sniffer's kinds (backoffice.dossiers.filetypes).
SCAN_KINDS = (PDF, TIFF, JPG, PNG, HEIC)
_LABELS = {PDF: "PDF", TIFF: "TIFF", JPG: "JPEG", PNG: "PNG", HEIC: "HEIC"}


def sniff_scan_file(path: Path) -> str:
    """ "pdf", "tiff", "jpg", "png" or "heic" by the file's first bytes, never
    its name.

    The one sniffer of the product decides, with its strict rules: a signature
    counts only at the very start of the file.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise ScanInputError(
            _("Không đọc được tệp %(name)s.") % {"name": path.name}
        ) from exc
    if not head:
        raise ScanInputError(_("Tệp %(name)s rỗng (0 byte).") % {"name": path.name})
    kind = sniff(head)
    if kind not in SCAN_KINDS:
        raise ScanInputError(
            _(
                "Tệp %(name)s không phải định dạng được hỗ trợ "
                "(PDF, TIFF, JPEG, PNG, HEIC)."
            )
            % {"name": path.name}
        )
    return kind


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class OpenPdfs:
    """The source PDFs of a running batch, kept open and parsed: each page
    worker thread reads a file's cross-reference table and page tree once,
    not once per page (~3.5 ms a page at 300 dpi). pypdf readers are not
    shared between threads. `close` ends it (scan_run does, however the batch
    ends)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[tuple[int, Path], tuple[object, PdfReader]] = {}
        self.parsed = 0  # how many times a source PDF was opened and parsed

    def reader(self, path: Path) -> PdfReader:
        key = (threading.get_ident(), path)
        entry = self._open.get(key)
        if entry is None:
            handle = path.open("rb")
            try:
                reader = PdfReader(handle, strict=False)
            except Exception:
                handle.close()
                raise
            entry = (handle, reader)
            with self._lock:
                self._open[key] = entry
                self.parsed += 1
        return entry[1]

    def close(self) -> None:
        with self._lock:
            for handle, _reader in self._open.values():
                handle.close()
            self._open.clear()


@dataclass(frozen=True)
class PageRef:
    """One page of one source file (`pdfs`: the batch's open PDFs, if any)."""

    path: Path
    kind: str
    number: int  # 0-based within the file
    pdfs: OpenPdfs | None = field(default=None, compare=False, repr=False)


def _pdf_page_count(path: Path) -> int:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ScanInputError(
            _("Không đọc được tệp %(name)s.") % {"name": path.name}
        ) from exc
    with handle:
        return _pdf_page_count_of(path, handle)


def _pdf_page_count_of(path: Path, handle) -> int:
    try:
        # A file object, not a path: pypdf then reads what it needs instead of
        # copying the whole file (200 MB for 300 pages) into memory.
        reader = PdfReader(handle, strict=False)
        if reader.is_encrypted:
            # Owner-password-only PDFs open with an empty user password; poppler
            # renders them too. A real user password we cannot know.
            try:
                if not reader.decrypt(""):
                    raise ScanInputError(
                        _("Tệp PDF %(name)s bị mã hóa, không thể xử lý.")
                        % {"name": path.name}
                    )
            except ScanInputError:
                raise
            except Exception as exc:
                raise ScanInputError(
                    _("Tệp PDF %(name)s bị mã hóa, không thể xử lý.")
                    % {"name": path.name}
                ) from exc
        count = len(reader.pages)
    except ScanInputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ScanInputError(
            _("Tệp PDF %(name)s bị hỏng, không đọc được.") % {"name": path.name}
        ) from exc
    except Exception as exc:  # pypdf raises a zoo of errors on garbage
        raise ScanInputError(
            _("Tệp PDF %(name)s bị hỏng, không đọc được.") % {"name": path.name}
        ) from exc
    return count


def _image_frame_count(path: Path, kind: str) -> int:
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ScanInputError(
                    _("Ảnh %(name)s quá lớn để là một trang quét.")
                    % {"name": path.name}
                )
            count = getattr(image, "n_frames", 1)
            # Decode the first frame now so a broken file fails before any work.
            image.load()
    except ScanInputError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        label = _LABELS[kind]
        raise ScanInputError(
            _("Tệp %(label)s %(name)s không đọc được.")
            % {"label": label, "name": path.name}
        ) from exc
    except Image.DecompressionBombError as exc:
        raise ScanInputError(
            _("Ảnh %(name)s quá lớn để là một trang quét.") % {"name": path.name}
        ) from exc
    return count


def list_pages(paths: list[Path], *, pdfs: OpenPdfs | None = None) -> list[PageRef]:
    """Every page of every source, in order; raises ScanInputError on bad input.
    With `pdfs`, the pages of a PDF are rendered from its open, parsed copy."""
    if not paths:
        raise ScanInputError(_("Chưa chọn tệp quét nào."))
    pages: list[PageRef] = []
    for path in paths:
        path = Path(path)
        kind = sniff_scan_file(path)
        count = _pdf_page_count(path) if kind == PDF else _image_frame_count(path, kind)
        if count < 1:
            raise ScanInputError(
                _("Tệp %(name)s không có trang nào.") % {"name": path.name}
            )
        pages.extend(
            PageRef(path, kind, number, pdfs if kind == PDF else None)
            for number in range(count)
        )
        if len(pages) > MAX_PAGES:
            raise ScanInputError(
                _(
                    "Lô quét có hơn %(max_pages)s trang; hãy chia thành nhiều lô "
                    "nhỏ hơn."
                )
                % {"max_pages": MAX_PAGES}
            )
    return pages


_PLACEMENT = re.compile(
    rb"^\s*q\s+([\d.]+)\s+0\s+0\s+([\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+cm\s+/(\S+)\s+Do\s+Q\s*$"
)


@dataclass
class Rendered:
    """A rendered page: grayscale for the steps, colour when the source has it."""

    gray: np.ndarray
    colour: np.ndarray | None = None  # BGR, same size as gray
    source_dpi: float | None = None  # the source's own resolution, when known
    camera: bool = False  # a phone or camera photo (EXIF camera tags, HEIC)


def _scanner_jpeg(ref: PageRef, dpi: int) -> np.ndarray | None:
    """The grayscale of `_scanner_image` (None when the page is not one JPEG)."""
    rendered = _scanner_image(ref, dpi)
    return None if rendered is None else rendered.gray


def _scanner_image(ref: PageRef, dpi: int) -> Rendered | None:
    """A page that is nothing but one JPEG covering the page, as scanners write
    them, decoded straight from its bytes: several times faster than a full
    render. Anything else (text, masks, rotation, CMYK…) returns None and goes
    through pdf2image."""
    try:
        if ref.pdfs is not None:
            return _scanner_jpeg_of(ref.pdfs.reader(ref.path), ref, dpi)
        with ref.path.open("rb") as handle:
            return _scanner_jpeg_of(PdfReader(handle, strict=False), ref, dpi)
    except Exception:  # noqa: BLE001 — any surprise: the general renderer decides
        return None


def _scanner_jpeg_of(reader: PdfReader, ref: PageRef, dpi: int) -> Rendered | None:
    try:
        page = reader.pages[ref.number]
        if int(page.get("/Rotate", 0) or 0) % 360:
            return None
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        if "/Font" in resources:
            return None
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else {}
        if len(xobjects) != 1:
            return None
        name, image = next(iter(xobjects.items()))
        image = image.get_object()
        filters = image.get("/Filter")
        if isinstance(filters, list):
            filters = filters[0] if len(filters) == 1 else None
        if (
            image.get("/Subtype") != "/Image"
            or filters != "/DCTDecode"
            or image.get("/ColorSpace") not in ("/DeviceGray", "/DeviceRGB")
            or image.get("/BitsPerComponent") != 8
            or any(key in image for key in ("/SMask", "/Mask", "/ImageMask", "/Decode"))
        ):
            return None
        match = _PLACEMENT.match(page.get_contents().get_data())
        box = page.mediabox
        if match is None or match.group(5) != name[1:].encode():
            return None
        width, height, x, y = (float(v) for v in match.groups()[:4])
        if (
            abs(width - float(box.width)) > 1
            or abs(height - float(box.height)) > 1
            or abs(x - float(box.left)) > 1
            or abs(y - float(box.bottom)) > 1
        ):
            return None
        data = np.frombuffer(image.get_data(), np.uint8)
        colour = image.get("/ColorSpace") == "/DeviceRGB"
    except Exception:  # noqa: BLE001 — any surprise: the general renderer decides
        return None
    # Sized as poppler sizes a render, so both paths give the same pixels.
    target = (math.ceil(width / 72 * dpi - 1e-3), math.ceil(height / 72 * dpi - 1e-3))
    flags = cv2.IMREAD_IGNORE_ORIENTATION | (
        cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE
    )
    decoded = cv2.imdecode(data, flags)
    if decoded is None:
        return None
    source_dpi = decoded.shape[1] / (width / 72)
    decoded = _to_size(decoded, target)
    if colour:
        return Rendered(
            gray=cv2.cvtColor(decoded, cv2.COLOR_BGR2GRAY),
            colour=decoded,
            source_dpi=source_dpi,
        )
    return Rendered(gray=decoded, source_dpi=source_dpi)


def _to_size(image: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    if image.shape[1] == target[0] and image.shape[0] == target[1]:
        return image
    shrinking = image.shape[1] > target[0]
    return cv2.resize(
        image, target, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    )


def _single_image_dpi(ref: PageRef) -> float | None:
    """The resolution of the one image that makes a page (a fax, a scanner's
    bitonal page), from its pixel width and the page width; None otherwise."""
    try:
        with ref.path.open("rb") as handle:
            page = PdfReader(handle, strict=False).pages[ref.number]
            resources = page.get("/Resources")
            resources = resources.get_object() if resources is not None else {}
            xobjects = resources.get("/XObject")
            xobjects = xobjects.get_object() if xobjects is not None else {}
            if len(xobjects) != 1 or "/Font" in resources:
                return None
            image = next(iter(xobjects.values())).get_object()
            if image.get("/Subtype") != "/Image":
                return None
            inches = float(page.mediabox.width) / 72
            if int(page.get("/Rotate", 0) or 0) % 180:
                inches = float(page.mediabox.height) / 72
            return float(image["/Width"]) / inches
    except Exception:  # noqa: BLE001 — unknown is an answer here
        return None


def render_page(ref: PageRef, dpi: int) -> np.ndarray:
    """The page as an 8-bit grayscale array at `dpi`."""
    return render_page_full(ref, dpi).gray


def render_page_full(ref: PageRef, dpi: int) -> Rendered:
    """The page at `dpi`: grayscale, its colour when the source has colour, and
    the source's own resolution. A camera photo is left at its own size (the
    photo step finds the page in it and flattens it to A4 at `dpi`)."""
    if ref.kind == PDF:
        fast = _scanner_image(ref, dpi)
        if fast is not None:
            return fast
        try:
            images = convert_from_path(
                ref.path,
                dpi=dpi,
                first_page=ref.number + 1,
                last_page=ref.number + 1,
                thread_count=1,
                userpw="",
            )
        except (PDFPageCountError, PDFSyntaxError, PDFInfoNotInstalledError) as exc:
            raise ScanInputError(
                _("Không dựng được trang %(page)s của %(name)s.")
                % {"page": ref.number + 1, "name": ref.path.name}
            ) from exc
        if not images:
            raise ScanInputError(
                _("Không dựng được trang %(page)s của %(name)s.")
                % {"page": ref.number + 1, "name": ref.path.name}
            )
        image = images[0]
        if image.mode in ("1", "L"):
            gray, colour = np.asarray(image.convert("L")), None
        else:
            colour = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
            gray = cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
        return Rendered(gray=gray, colour=colour, source_dpi=_single_image_dpi(ref))
    try:
        with Image.open(ref.path) as image:
            image.seek(ref.number)
            source_dpi = image.info.get("dpi", (dpi, dpi))[0] or dpi
            camera = ref.number == 0 and is_camera_image(image)
            if camera:
                image = upright_rgb(image)
            if image.mode in ("1", "L", "I;16", "I", "F", "LA"):
                picture, colour_mode = image.convert("L"), False
            else:
                picture, colour_mode = image.convert("RGB"), True
    except (OSError, ValueError, EOFError, SyntaxError) as exc:
        label = _LABELS[ref.kind]
        raise ScanInputError(
            _("Trang %(page)s của tệp %(label)s %(name)s không đọc được.")
            % {"page": ref.number + 1, "label": label, "name": ref.path.name}
        ) from exc
    source_dpi = float(source_dpi)
    if not camera and abs(source_dpi - dpi) > 1 and 50 <= source_dpi <= 1200:
        # Bring every page to the batch resolution so thresholds and the PDF agree.
        scale = dpi / source_dpi
        size = (
            max(1, round(picture.width * scale)),
            max(1, round(picture.height * scale)),
        )
        picture = picture.resize(
            size, Image.Resampling.LANCZOS if scale > 1 else Image.Resampling.BOX
        )
    pixels = np.asarray(picture)
    if not colour_mode:
        return Rendered(gray=pixels, source_dpi=source_dpi, camera=camera)
    colour = np.ascontiguousarray(pixels[:, :, ::-1])
    return Rendered(
        gray=cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY),
        colour=colour,
        source_dpi=None if camera else source_dpi,
        camera=camera,
    )
