"""Server-side checks of uploaded files, by content and never by extension.

What a file is comes from `filetypes.sniff`, the sniffer the scan pipeline uses
too; here each accepted format gets its structural checks (pages, encryption,
decompression bombs, active content).
"""

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.db.models.fields.files import FieldFile
from django.http import HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _

from PIL import Image

from backoffice.core.personal_data import file_response
from backoffice.core.text import nfc

from .active_content import (
    ACTIVE_CONTENT_MODES,
    ACTIVE_CONTENT_REFUSE,
    ACTIVE_CONTENT_SANITISE,
    PdfUnreadable,
    active_content_mode,
    pdf_active_content,
    pdf_sanitised,
)
from .filetypes import (
    DOCX,
    FORMAT_EQUIVALENTS,
    HEAD_BYTES,
    HEIC,
    JPG,
    MEDIA_TYPES,
    ODT,
    PDF,
    PNG,
    TIFF,
    ZIP,
    normalise_extension,
    register_heif_opener,
    sniff,
)

logger = logging.getLogger(__name__)
register_heif_opener()  # iPhone photos (HEIC) open like any other image

# Checks of uploaded images that a higher app supplies (the scanning app: a phone
# photo must show a page). Each is called as check(name=..., content=...) and
# raises UploadRejected to refuse; registered from that app's AppConfig.ready().
ImageCheck = Callable[..., None]
_IMAGE_CHECKS: list[ImageCheck] = []
IMAGE_KINDS = (JPG, PNG, TIFF, HEIC)


def image_check_register(check: ImageCheck) -> None:
    """Add a check run on every uploaded image after the built-in ones."""
    if check not in _IMAGE_CHECKS:
        _IMAGE_CHECKS.append(check)


# Re-exported: callers have always found the active-content checks here.
__all__ = [
    "ACTIVE_CONTENT_MODES",
    "ACTIVE_CONTENT_REFUSE",
    "ACTIVE_CONTENT_SANITISE",
    "MEDIA_TYPES",
    "CheckedUpload",
    "PdfUnreadable",
    "UploadRejected",
    "active_content_mode",
    "check_active_content",
    "check_dossier_total",
    "check_upload",
    "image_check_register",
    "pdf_active_content",
    "pdf_sanitised",
    "sanitize_filename",
    "stored_file_response",
]

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
    name = nfc(name)
    # A name that carries a directory is an attempt to write elsewhere (browsers
    # send the bare name): refuse it rather than guess what was meant.
    if re.search(r"[\\/]", name) or name.strip() in {".", ".."}:
        raise UploadRejected(
            "bad_name",
            _(
                "Tên tệp chứa đường dẫn thư mục, không được nhận. "
                "Hãy đổi tên tệp và tải lên lại."
            ),
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
            "bad_name", _("Tên tệp không hợp lệ. Hãy đổi tên tệp và tải lên lại.")
        )
    stem = stem[: MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def _describe(kind: str | None) -> str:
    if kind is None:
        return _("không xác định")
    return _("tệp nén ZIP") if kind == ZIP else kind.upper()


def _check_zip_bomb(content: bytes) -> None:
    limit = settings.UPLOAD_MAX_FILE_BYTES * 10
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        total = sum(info.file_size for info in archive.infolist())
        if total > limit or total > 200 * max(len(content), 1):
            raise UploadRejected(
                "zip_bomb",
                _("Tệp văn bản có cấu trúc nén bất thường nên không được nhận."),
            )
        if archive.testzip() is not None:
            raise UploadRejected(
                "corrupt_document", _("Tệp văn bản bị hỏng, không mở được.")
            )


def _pdf_pages(content: bytes, name: str) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        if reader.encrypted:
            raise UploadRejected(
                "encrypted_pdf",
                _("Tệp “%(name)s” đã được đặt mật khẩu; hãy nộp bản PDF không mã hóa.")
                % {"name": name},
            )
        pages = int(reader.root["/Pages"]["/Count"])
    except UploadRejected:
        raise
    except Exception as exc:
        raise UploadRejected(
            "corrupt_pdf",
            _("Tệp “%(name)s” không phải PDF hợp lệ hoặc đã bị hỏng.") % {"name": name},
        ) from exc
    if pages < 1:
        raise UploadRejected(
            "corrupt_pdf", _("Tệp PDF “%(name)s” không có trang nào.") % {"name": name}
        )
    return pages


def check_active_content(*, name: str, content: bytes) -> None:
    """Refuse (UploadRejected) a PDF with active content unless it is to be sanitised.

    Anything that is not a PDF passes: other checks judge it.
    """
    if sniff(content[:HEAD_BYTES]) != PDF:
        return
    try:
        found = pdf_active_content(content)
    except PdfUnreadable as exc:
        raise UploadRejected(
            "corrupt_pdf",
            _("Tệp “%(name)s” không phải PDF hợp lệ hoặc đã bị hỏng.") % {"name": name},
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
                    _(
                        "Ảnh “%(name)s” quá lớn (%(width)s×%(height)s điểm ảnh), "
                        "vượt giới hạn %(limit)s điểm ảnh."
                    )
                    % {
                        "name": name,
                        "width": width,
                        "height": height,
                        "limit": f"{limit:,}".replace(",", "."),
                    },
                )
            frames = getattr(image, "n_frames", 1)
            for index in range(frames):
                image.seek(index)
                if image.size[0] * image.size[1] > limit:
                    raise UploadRejected(
                        "image_bomb",
                        _("Ảnh “%(name)s” có trang vượt giới hạn điểm ảnh.")
                        % {"name": name},
                    )
                image.load()
            return frames
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRejected(
            "image_bomb",
            _("Ảnh “%(name)s” vượt giới hạn điểm ảnh cho phép.") % {"name": name},
        ) from exc
    except Exception as exc:
        raise UploadRejected(
            "corrupt_image",
            _("Ảnh “%(name)s” bị hỏng, không đọc được.") % {"name": name},
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
        raise UploadRejected(
            "empty", _("Tệp “%(safe_name)s” rỗng.") % {"safe_name": safe_name}
        )
    if len(content) > limit:
        raise UploadRejected(
            "too_large",
            _("Tệp “%(safe_name)s” vượt quá dung lượng cho phép %(limit)s.")
            % {"safe_name": safe_name, "limit": _mb(limit)},
        )
    kind = sniff(content)
    if kind not in MEDIA_TYPES:
        raise UploadRejected(
            "unsupported_type",
            _(
                "Tệp “%(safe_name)s” có nội dung %(kind)s, không thuộc các "
                "định dạng được nhận (PDF, JPG, PNG, TIFF, HEIC, DOCX, DOC, ODT)."
            )
            % {"safe_name": safe_name, "kind": _describe(kind)},
        )
    declared = safe_name.rpartition(".")[2].lower() if "." in safe_name else ""
    declared = normalise_extension(declared)
    if declared and declared != kind:
        raise UploadRejected(
            "type_mismatch",
            _(
                "Tệp “%(safe_name)s” mang đuôi .%(declared)s nhưng nội dung là "
                "%(kind)s. Hãy nộp đúng loại tệp."
            )
            % {"safe_name": safe_name, "declared": declared, "kind": _describe(kind)},
        )
    allowed = {normalise_extension(f) for f in (allowed_formats or [])}
    if allowed and kind not in allowed and FORMAT_EQUIVALENTS.get(kind) not in allowed:
        raise UploadRejected(
            "format_not_allowed",
            _(
                "Định dạng %(kind)s không được chấp nhận cho thành phần này: "
                "chỉ nhận %(allowed)s."
            )
            % {"kind": kind.upper(), "allowed": ", ".join(sorted(allowed))},
        )
    pages: int | None = None
    if kind == PDF:
        pages = _pdf_pages(content, safe_name)
        check_active_content(name=safe_name, content=content)
    elif kind in IMAGE_KINDS:
        pages = _image_pages(content, safe_name)
        for image_check in _IMAGE_CHECKS:
            image_check(name=safe_name, content=content)
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
            _("Tổng dung lượng các tệp vượt quá %(limit)s cho một hồ sơ.")
            % {"limit": _mb(limit)},
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
