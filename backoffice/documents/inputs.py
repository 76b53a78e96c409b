"""What a document is given as, and the checks it passes before anything is saved.

A form, an import row and the demo all describe a document as a `DocumentInput`
plus its PDFs (`PdfUpload`); `document_input_check` and `document_files_check`
normalise and check them, raising `DocumentRejected` with the reason.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from backoffice.core.text import nfc
from backoffice.signatures.verification import UnreadablePdf

from .constants import DocumentType, LegalStatus
from .models import OfficialDocument
from .number_symbols import number_symbol_key, number_symbol_parse
from .pdf import PdfFacts, pdf_facts


class DocumentRejected(Exception):
    """A document that cannot be saved; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class PdfUpload:
    """A PDF as received: its file name and bytes."""

    name: str
    content: bytes


@dataclass
class DocumentInput:
    """Metadata of one document as given by a form, an import row or the demo."""

    number_symbol: str
    document_type: str
    issuer: str
    issued_date: dt.date
    subject: str
    signer_name: str = ""
    signer_position: str = ""
    effective_date: dt.date | None = None
    field: str = ""
    legal_status: str = LegalStatus.IN_FORCE
    replaced_by: OfficialDocument | None = None
    # Set by document_input_check: the year written in the number-symbol, if any.
    symbol_year: int | None = None


def clean_text(value: str) -> str:
    """NFC, single spaces, no surrounding blanks (TCVN 6909:2001, Art. 5.2.b)."""
    return " ".join(nfc(value).split())


def document_input_check(data: DocumentInput) -> DocumentInput:
    """Normalise the text fields and check the number-symbol against the type.

    Raises DocumentRejected with a Vietnamese reason; returns the cleaned input.
    """
    for name in (
        "number_symbol",
        "issuer",
        "signer_name",
        "signer_position",
        "field",
    ):
        setattr(data, name, clean_text(getattr(data, name)))
    data.subject = nfc(data.subject).strip()
    if data.document_type not in DocumentType.values:
        raise DocumentRejected(
            _(
                "Loại văn bản “%(value)s” không có trong danh mục "
                "thể loại văn bản (Nghị định 30/2020/NĐ-CP)."
            )
            % {"value": data.document_type}
        )
    if not data.issuer:
        raise DocumentRejected(_("Thiếu cơ quan ban hành."))
    if not data.subject:
        raise DocumentRejected(_("Thiếu trích yếu nội dung."))
    try:
        parsed = number_symbol_parse(
            data.number_symbol, document_type=data.document_type
        )
    except ValueError as exc:
        raise DocumentRejected(str(exc)) from exc
    data.number_symbol, data.symbol_year = parsed.text, parsed.year
    if parsed.year is not None and parsed.year != data.issued_date.year:
        raise DocumentRejected(
            _("Năm trong số, ký hiệu (%(symbol_year)s) khác năm ban hành (%(year)s).")
            % {"symbol_year": parsed.year, "year": data.issued_date.year}
        )
    if data.legal_status not in LegalStatus.values:
        raise DocumentRejected(
            _(
                "Tình trạng hiệu lực “%(value)s” không hợp lệ "
                "(in-force, expired hoặc replaced)."
            )
            % {"value": data.legal_status}
        )
    if data.replaced_by is not None and data.legal_status != LegalStatus.REPLACED:
        data.legal_status = LegalStatus.REPLACED
    if data.legal_status == LegalStatus.REPLACED and data.replaced_by is None:
        raise DocumentRejected(
            _("Văn bản “bị thay thế” phải chỉ ra văn bản thay thế nó.")
        )
    return data


def document_key(data: DocumentInput) -> str:
    """The de-duplication key within an issuer: the folded number-symbol, plus the
    year of issue when the symbol has none (numbers restart every 1 January)."""
    key = number_symbol_key(data.number_symbol)
    if data.symbol_year is None:
        key = f"{key}@{data.issued_date.year}"
    return key


def document_files_check(
    files: list[PdfUpload],
) -> list[tuple[PdfUpload, PdfFacts, str]]:
    """Check every PDF before anything is written; DocumentRejected on the first
    bad one."""
    if not files:
        raise DocumentRejected(_("Văn bản phải có ít nhất một tệp PDF."))
    checked = []
    for upload in files:
        if len(upload.content) > settings.UPLOAD_MAX_FILE_BYTES:
            raise DocumentRejected(
                _("Tệp “%(name)s” lớn hơn giới hạn %(limit)s MB.")
                % {
                    "name": upload.name,
                    "limit": settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024),
                }
            )
        if not upload.content.startswith(b"%PDF-"):
            raise DocumentRejected(
                _("Tệp “%(name)s” không phải tệp PDF.") % {"name": upload.name}
            )
        try:
            facts = pdf_facts(upload.content)
        except UnreadablePdf as exc:
            raise DocumentRejected(
                _("Tệp “%(name)s” bị hỏng: %(error)s")
                % {"name": upload.name, "error": exc}
            ) from exc
        checked.append((upload, facts, hashlib.sha256(upload.content).hexdigest()))
    return checked
