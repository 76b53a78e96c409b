"""Server-side checks of uploaded files, by content and never by extension.

The sniffing is a few lines of our own because the formats accepted are few and
each needs a structural check beyond magic bytes (a DOCX is a ZIP with a Word part,
an ODT a ZIP whose first entry names its type), which generic sniffers don't do.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from PIL import Image

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
