"""Server-side checks of uploaded files, by content and never by extension.

The sniffing is a few lines of our own because the formats accepted are few and
each needs a structural check beyond magic bytes (a DOCX is a ZIP with a Word part,
an ODT a ZIP whose first entry names its type), which generic sniffers don't do.
"""

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

from backoffice.core.personal_data import file_response

logger = logging.getLogger(__name__)

PDF, JPG, PNG, TIFF, DOCX, DOC, ODT = "pdf", "jpg", "png", "tiff", "docx", "doc", "odt"
MEDIA_TYPES = {
    PDF: "application/pdf",
    JPG: "image/jpeg",
    PNG: "image/png",
    TIFF: "image/tiff",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DOC: "application/msword",
    ODT: "application/vnd.oasis.opendocument.text",
}
EXTENSION_ALIASES = {"jpeg": JPG, "jpe": JPG, "tif": TIFF}
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
WINDOWS_RESERVED |= {f"lpt{i}" for i in range(1, 10)}
MAX_NAME = 150


class UploadRejected(ValueError):
    """A refused upload: `message` is shown on the form field, `code` is for code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    media_type: str
    extension: str
    size: int
    sha256: str
    pages: int | None
    content: bytes


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def sanitize_filename(name: str) -> str:
    """A safe, NFC file name: no directories, control characters or reserved names."""
    name = unicodedata.normalize("NFC", name or "")
    # A name that carries a directory is an attempt to write elsewhere (browsers
    # send the bare name): refuse it rather than guess what was meant.
    if re.search(r"[\\/]", name) or name.strip() in {".", ".."}:
        raise UploadRejected(
            "bad_name",
            "Tên tệp chứa đường dẫn thư mục, không được nhận. "
            "Hãy đổi tên tệp và tải lên lại.",
        )
    name = "".join(
        ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"}
    )
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = re.sub(r"[<>:\"|?*]", "_", stem).strip(" .")
    ext = re.sub(r"[^0-9A-Za-z]", "", ext)[:10].lower()
    if stem.lower() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    if not stem:
        raise UploadRejected(
            "bad_name", "Tên tệp không hợp lệ. Hãy đổi tên tệp và tải lên lại."
        )
    stem = stem[: MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def _sniff(head: bytes, content: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(OLE2):
        return DOC
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(content)
    return None


def _sniff_zip(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                mimetype = archive.read("mimetype").strip()
                return ODT if mimetype == MEDIA_TYPES[ODT].encode() else "zip"
            if "[Content_Types].xml" in names and any(
                n.startswith("word/") for n in names
            ):
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return "zip"


def _describe(kind: str | None) -> str:
    if kind is None:
        return "không xác định"
    return "tệp nén ZIP" if kind == "zip" else kind.upper()


def _check_zip_bomb(content: bytes) -> None:
    limit = settings.UPLOAD_MAX_FILE_BYTES * 10
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        total = sum(info.file_size for info in archive.infolist())
        if total > limit or total > 200 * max(len(content), 1):
            raise UploadRejected(
                "zip_bomb",
                "Tệp văn bản có cấu trúc nén bất thường nên không được nhận.",
            )
        if archive.testzip() is not None:
            raise UploadRejected(
                "corrupt_document", "Tệp văn bản bị hỏng, không mở được."
            )


def _pdf_pages(content: bytes, name: str) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        if reader.encrypted:
            raise UploadRejected(
                "encrypted_pdf",
                f"Tệp “{name}” đã được đặt mật khẩu; hãy nộp bản PDF không mã hóa.",
            )
        pages = int(reader.root["/Pages"]["/Count"])
    except UploadRejected:
        raise
    except Exception as exc:
        raise UploadRejected(
            "corrupt_pdf", f"Tệp “{name}” không phải PDF hợp lệ hoặc đã bị hỏng."
        ) from exc
    if pages < 1:
        raise UploadRejected("corrupt_pdf", f"Tệp PDF “{name}” không có trang nào.")
    return pages


# --- Active content in PDFs ---------------------------------------------------
# A PDF can carry scripts, actions that run when it opens or when a page or field
# is touched, programs to launch, embedded files, multimedia and XFA forms. None of
# it belongs in a dossier, and all of it runs in whatever viewer staff open it with.

ACTIVE_CONTENT_REFUSE, ACTIVE_CONTENT_SANITISE = "refuse", "sanitise"
ACTIVE_CONTENT_MODES = {ACTIVE_CONTENT_REFUSE, ACTIVE_CONTENT_SANITISE}
# Dictionary keys that are active content wherever they appear.
_ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/Launch",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/EF",
        "/RichMedia",
        "/RichMediaContent",
        "/RichMediaSettings",
        "/XFA",
    }
)
# Action types (/S) that run code, start programs, import data or play media.
_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/RichMediaExecute",
        "/GoToE",
        "/Rendition",
    }
)
# Object types and annotation subtypes that embed files or media.
_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMedia", "/FileAttachment", "/Screen"})


class PdfUnreadable(ValueError):
    """pypdf could not read the PDF (to look for, or remove, active content)."""


def _resolve(obj: PdfObject | None) -> PdfObject | None:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _dictionaries(start: PdfObject) -> Iterator[DictionaryObject]:
    """Every dictionary reachable from `start` (stream dictionaries included), once.

    A dictionary's values are walked after the caller has seen it, so what the
    caller removes from it is not walked.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject | None] = [start]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _name(obj: DictionaryObject, key: str) -> str:
    """The value of `key` when it is a name (a malformed file may put anything)."""
    value = _resolve(obj.get(key))
    return str(value) if isinstance(value, str) else ""


def _is_active_dict(obj: PdfObject | None) -> bool:
    if not isinstance(obj, DictionaryObject):
        return False
    return (
        _name(obj, "/S") in _ACTIVE_ACTIONS
        or _name(obj, "/Type") in _ACTIVE_TYPES
        or _name(obj, "/Subtype") in _ACTIVE_TYPES
    )


def _is_open_action(obj: PdfObject | None) -> bool:
    # An /OpenAction that is a destination (an array), or a plain go-to, only
    # chooses the first page shown; any other action does something on opening.
    return isinstance(obj, DictionaryObject) and _name(obj, "/S") != "/GoTo"


def _active_in(obj: DictionaryObject) -> set[str]:
    found = {str(key) for key in obj if key in _ACTIVE_KEYS}
    for key in ("/S", "/Type", "/Subtype"):
        value = _name(obj, key)
        if value in _ACTIVE_ACTIONS or value in _ACTIVE_TYPES:
            found.add(value)
    if _is_open_action(_resolve(obj.get("/OpenAction"))):
        found.add("/OpenAction")
    return found


def _reader(content: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise PdfUnreadable("encrypted")
    except PdfUnreadable:
        raise
    except Exception as exc:
        raise PdfUnreadable(str(exc)) from exc
    return reader


def pdf_active_content(content: bytes) -> list[str]:
    """The kinds of active content a PDF carries, e.g. ["JavaScript", "OpenAction"].

    Empty for a plain document. Raises PdfUnreadable when pypdf cannot read it.
    """
    reader = _reader(content)
    found: set[str] = set()
    try:
        for obj in _dictionaries(reader.trailer):
            found |= _active_in(obj)
    except RecursionError as exc:
        raise PdfUnreadable("too deeply nested") from exc
    except Exception as exc:
        raise PdfUnreadable(str(exc)) from exc
    return sorted(name.lstrip("/") for name in found)


def _strip(obj: DictionaryObject) -> None:
    for key in list(obj.keys()):
        value = _resolve(dict.__getitem__(obj, key))
        if (
            key in _ACTIVE_KEYS
            or (key == "/OpenAction" and _is_open_action(value))
            or _is_active_dict(value)
        ):
            del obj[key]
        elif isinstance(value, ArrayObject):
            kept = [item for item in value if not _is_active_dict(_resolve(item))]
            if len(kept) != len(value):
                value[:] = kept


def pdf_sanitised(content: bytes) -> bytes:
    """A copy of a PDF without its active content; the given bytes are not changed.

    Scripts, automatic actions, launch and media actions, embedded files and XFA
    are removed; pages, text, images and plain links stay. Raises PdfUnreadable
    when pypdf cannot read the file or the copy would still carry active content.
    """
    reader = _reader(content)
    try:
        for obj in _dictionaries(reader.trailer):
            _strip(obj)
        # Cloning copies only what is still reachable: the removed scripts go.
        writer = PdfWriter(clone_from=reader)
        buffer = io.BytesIO()
        writer.write(buffer)
    except Exception as exc:
        raise PdfUnreadable(str(exc)) from exc
    result = buffer.getvalue()
    if pdf_active_content(result):
        raise PdfUnreadable("active content left after sanitising")
    return result


def active_content_mode() -> str:
    """What an upload with active content gets: refused, or kept and sanitised."""
    mode = str(settings.UPLOAD_ACTIVE_CONTENT).strip().lower()
    if mode == "sanitize":
        mode = ACTIVE_CONTENT_SANITISE
    if mode not in ACTIVE_CONTENT_MODES:
        raise ImproperlyConfigured(
            "UPLOAD_ACTIVE_CONTENT must be 'refuse' or 'sanitise', "
            f"not {settings.UPLOAD_ACTIVE_CONTENT!r}."
        )
    return mode


def check_active_content(*, name: str, content: bytes) -> None:
    """Refuse (UploadRejected) a PDF with active content unless it is to be sanitised.

    Anything that is not a PDF passes: other checks judge it.
    """
    if not content.startswith(b"%PDF-"):
        return
    try:
        found = pdf_active_content(content)
    except PdfUnreadable as exc:
        raise UploadRejected(
            "corrupt_pdf", f"Tệp “{name}” không phải PDF hợp lệ hoặc đã bị hỏng."
        ) from exc
    if found and active_content_mode() == ACTIVE_CONTENT_REFUSE:
        raise UploadRejected(
            "active_content",
            _(
                "Tệp “%(name)s” chứa nội dung chủ động (%(found)s) như mã "
                "JavaScript, lệnh tự chạy khi mở hoặc tệp nhúng nên không được "
                "nhận. Hãy lưu lại thành PDF thông thường (ví dụ bằng chức năng "
                "In ra PDF) rồi tải lên lại."
            )
            % {"name": name, "found": ", ".join(found)},
        )


def _image_pages(content: bytes, name: str) -> int:
    limit = settings.UPLOAD_MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > limit:
                raise UploadRejected(
                    "image_bomb",
                    f"Ảnh “{name}” quá lớn ({width}×{height} điểm ảnh), vượt giới hạn "
                    f"{limit:,} điểm ảnh.".replace(",", "."),
                )
            frames = getattr(image, "n_frames", 1)
            for index in range(frames):
                image.seek(index)
                if image.size[0] * image.size[1] > limit:
                    raise UploadRejected(
                        "image_bomb", f"Ảnh “{name}” có trang vượt giới hạn điểm ảnh."
                    )
                image.load()
            return frames
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRejected(
            "image_bomb", f"Ảnh “{name}” vượt giới hạn điểm ảnh cho phép."
        ) from exc
    except Exception as exc:
        raise UploadRejected(
            "corrupt_image", f"Ảnh “{name}” bị hỏng, không đọc được."
        ) from exc


def check_upload(
    *,
    name: str,
    content: bytes | IO[bytes],
    allowed_formats: list[str] | None = None,
) -> CheckedUpload:
    """Check one upload by content, size and structure; UploadRejected if refused."""
    limit = settings.UPLOAD_MAX_FILE_BYTES
    if not isinstance(content, bytes):
        if hasattr(content, "seek"):
            content.seek(0)
        content = content.read(limit + 1)
    safe_name = sanitize_filename(name)
    if not content:
        raise UploadRejected("empty", f"Tệp “{safe_name}” rỗng.")
    if len(content) > limit:
        raise UploadRejected(
            "too_large", f"Tệp “{safe_name}” vượt quá dung lượng cho phép {_mb(limit)}."
        )
    kind = _sniff(content[:16], content)
    if kind not in MEDIA_TYPES:
        raise UploadRejected(
            "unsupported_type",
            f"Tệp “{safe_name}” có nội dung {_describe(kind)}, không thuộc các "
            "định dạng được nhận (PDF, JPG, PNG, TIFF, DOCX, DOC, ODT).",
        )
    declared = safe_name.rpartition(".")[2].lower() if "." in safe_name else ""
    declared = EXTENSION_ALIASES.get(declared, declared)
    if declared and declared != kind:
        raise UploadRejected(
            "type_mismatch",
            f"Tệp “{safe_name}” mang đuôi .{declared} nhưng nội dung là "
            f"{_describe(kind)}. Hãy nộp đúng loại tệp.",
        )
    allowed = {EXTENSION_ALIASES.get(f, f) for f in (allowed_formats or [])}
    if allowed and kind not in allowed:
        raise UploadRejected(
            "format_not_allowed",
            f"Định dạng {kind.upper()} không được chấp nhận cho thành phần này: "
            f"chỉ nhận {', '.join(sorted(allowed))}.",
        )
    pages: int | None = None
    if kind == PDF:
        pages = _pdf_pages(content, safe_name)
        check_active_content(name=safe_name, content=content)
    elif kind in (JPG, PNG, TIFF):
        pages = _image_pages(content, safe_name)
    elif kind in (DOCX, ODT):
        _check_zip_bomb(content)
    if not declared:
        safe_name = f"{safe_name}.{kind}"
    return CheckedUpload(
        name=safe_name,
        media_type=MEDIA_TYPES[kind],
        extension=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        content=content,
    )


def check_dossier_total(*, sizes: list[int]) -> None:
    limit = settings.UPLOAD_MAX_DOSSIER_BYTES
    if sum(sizes) > limit:
        raise UploadRejected(
            "dossier_too_large",
            f"Tổng dung lượng các tệp vượt quá {_mb(limit)} cho một hồ sơ.",
        )


# --- Serving stored uploads to staff -----------------------------------------

_PDF_STATE_SECONDS = 24 * 3600
_CLEAN, _ACTIVE, _UNREADABLE = "clean", "active", "unreadable"


def _pdf_state(content: bytes) -> str:
    try:
        return _ACTIVE if pdf_active_content(content) else _CLEAN
    except PdfUnreadable:
        return _UNREADABLE


def stored_file_response(
    *,
    file: FieldFile,
    name: str,
    media_type: str,
    sha256: str = "",
    inline: bool = False,
) -> HttpResponseBase:
    """Serve a stored upload to staff; a PDF with active content as a clean copy.

    The stored original is never changed: the copy is made for each opening. A
    PDF that pypdf cannot read is offered only as a download; one whose active
    content cannot be removed is not served (409). What pypdf found is cached by
    SHA-256, so a clean PDF is streamed without being read into memory again.
    """
    storage, path = file.storage, file.name
    if media_type != MEDIA_TYPES[PDF]:
        return file_response(
            content=storage.open(path, "rb"), filename=name, content_type=media_type
        )
    key = f"uploads:pdf-state:{sha256}" if sha256 else ""
    state = cache.get(key) if key else None
    if state == _CLEAN:
        return file_response(
            content=storage.open(path, "rb"),
            filename=name,
            content_type=media_type,
            inline=inline,
        )
    with storage.open(path, "rb") as handle:
        content = handle.read()
    if state is None:
        state = _pdf_state(content)
        if key:
            cache.set(key, state, timeout=_PDF_STATE_SECONDS)
    if state == _ACTIVE:
        try:
            content = pdf_sanitised(content)
        except PdfUnreadable:
            logger.warning("Active content of %s could not be removed.", path)
            return HttpResponse(
                _(
                    "Tệp “%(name)s” chứa nội dung chủ động không gỡ bỏ được nên "
                    "không mở được. Hãy liên hệ quản trị hệ thống."
                )
                % {"name": name},
                status=409,
                content_type="text/plain; charset=utf-8",
            )
    return file_response(
        content=content,
        filename=name,
        content_type=media_type,
        inline=inline and state != _UNREADABLE,
    )
