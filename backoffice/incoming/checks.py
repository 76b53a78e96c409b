"""What is read from an arriving file before anything is stored.

Read-only: bytes in, facts out, `IncomingRejected` (a ValidationError with a
Vietnamese message) for a file that must not enter the register: empty, oversized,
not a PDF, corrupt, encrypted, without pages.
"""

import contextlib
import io
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from backoffice.signatures.verification import READ_ERRORS

from .constants import Confidentiality

# The secrecy stamp of Decree 30/2020 stands alone on a line of page 1 (and the
# e-mail subject may carry it in brackets); ordinary words ("bí mật", "mật khẩu")
# must not count.
_SECRET_LINE = re.compile(
    r"^\s*[\[(]?\s*(TUYỆT MẬT|TỐI MẬT|MẬT)\s*[\])]?\s*$", re.MULTILINE
)
_SECRET_SUBJECT = re.compile(r"[\[(]\s*(TUYỆT MẬT|TỐI MẬT|MẬT)\s*[\])]", re.IGNORECASE)
_MARKINGS = {
    "MẬT": Confidentiality.MAT,
    "TỐI MẬT": Confidentiality.TOI_MAT,
    "TUYỆT MẬT": Confidentiality.TUYET_MAT,
}


# "Số: 15/UBND-VP" and "…, ngày 27 tháng 02 năm 2026" on page 1 (Decree 30 layout).
_NUMBER_SYMBOL = re.compile(r"^\s*Số\s*:\s*(\d+[^\s,;]*/[^\s,;]+)", re.MULTILINE)
_ISSUE_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE
)


class IncomingRejected(ValidationError):
    """A file or input that cannot be received; the message says why."""


@dataclass(frozen=True)
class FileFacts:
    """What was read from one file at arrival."""

    name: str
    media_type: str
    size: int
    is_pdf: bool
    pages: int | None
    first_page_text: str


def max_file_bytes() -> int:
    return int(getattr(settings, "INCOMING_MAX_FILE_BYTES", 20 * 1024 * 1024))


def clean_name(name: str) -> str:
    """A file name without folders or control characters, NFC, at most 200 chars."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-200:] or "tep-dinh-kem"


def is_pdf_name(name: str) -> bool:
    return name.lower().endswith(".pdf")


def file_read(*, name: str, content: bytes, require_pdf: bool) -> FileFacts:
    """Check one arriving file; PDFs are opened and their first page read."""
    name = clean_name(name)
    if not content:
        raise IncomingRejected(
            _("Tệp “%(name)s” rỗng, không có nội dung.") % {"name": name}
        )
    limit = max_file_bytes()
    if len(content) > limit:
        raise IncomingRejected(
            _("Tệp “%(name)s” quá lớn (%(size)s, tối đa %(limit)s).")
            % {
                "name": name,
                "size": filesizeformat(len(content)),
                "limit": filesizeformat(limit),
            }
        )
    looks_pdf = content.lstrip()[:5] == b"%PDF-"
    if require_pdf and not looks_pdf:
        raise IncomingRejected(_("Tệp “%(name)s” không phải tệp PDF.") % {"name": name})
    if not looks_pdf:
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return FileFacts(name, media_type, len(content), False, None, "")
    pages, first_text = pdf_first_page(name=name, content=content)
    return FileFacts(name, "application/pdf", len(content), True, pages, first_text)


def pdf_first_page(*, name: str, content: bytes) -> tuple[int, str]:
    """(page count, text layer of page 1); IncomingRejected for a broken file."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise IncomingRejected(
                _("Tệp “%(name)s” được mã hóa (đặt mật khẩu), không tiếp nhận được.")
                % {"name": name}
            )
        pages = len(reader.pages)
        if not pages:
            raise IncomingRejected(
                _("Tệp “%(name)s” không có trang nào.") % {"name": name}
            )
        text = reader.pages[0].extract_text() or ""
    except IncomingRejected:
        raise
    except (PyPdfError, *READ_ERRORS) as exc:
        raise IncomingRejected(
            _("Tệp “%(name)s” bị hỏng, không đọc được: %(error)s")
            % {"name": name, "error": str(exc)[:200]}
        ) from exc
    return pages, unicodedata.normalize("NFC", text)


def pdf_full_text(content: bytes) -> str:
    """Text layer of every page ("" when there is none or the file misbehaves)."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        texts = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, *READ_ERRORS):
        return ""
    return unicodedata.normalize("NFC", "\n\n".join(t.strip() for t in texts)).strip()


def secret_marking(*, text: str = "", subject: str = "", declared: Any = "") -> str:
    """The confidentiality mark found (Confidentiality value), NORMAL if none.

    `declared` is what the sender's metadata says; `text` is page 1's text layer,
    where the stamp stands alone on a line; `subject` an e-mail subject.
    """
    if declared and declared != Confidentiality.NORMAL:
        return str(declared)
    found = [m.group(1) for m in _SECRET_LINE.finditer(text.upper())]
    found += [m.group(1).upper() for m in _SECRET_SUBJECT.finditer(subject)]
    for label in ("TUYỆT MẬT", "TỐI MẬT", "MẬT"):
        if label in found:
            return _MARKINGS[label]
    return Confidentiality.NORMAL


def first_page_guess(text: str) -> dict[str, Any]:
    """Register fields read from page 1 to pre-fill the form: the number-symbol
    and the issue date, when the page states them in the usual layout."""
    import datetime as dt

    guess: dict[str, Any] = {}
    if match := _NUMBER_SYMBOL.search(text):
        guess["number_symbol"] = match.group(1).strip(".")[:100]
    if match := _ISSUE_DATE.search(text):
        day, month, year = (int(part) for part in match.groups())
        with contextlib.suppress(ValueError):
            guess["issued_on"] = dt.date(year, month, day)
    return guess
