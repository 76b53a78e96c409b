"""Writes of the documents capability: save, publish, unpublish, import, OCR.

A document is saved all-or-nothing (metadata, files, verdicts, page). The public
page is presentation: it is made and published through the callable named by
`DOCUMENTS_PAGE_PUBLISHER` (portal), so this package never imports the portal.
"""

import datetime as dt
import hashlib
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from backoffice.core.services import audit_record, snapshot
from backoffice.signatures.verification import UnreadablePdf

from .constants import OCR_JOB, DocumentType, LegalStatus, SignatureVerdict
from .models import DocumentFile, OfficialDocument, TextSource
from .number_symbols import number_symbol_key, number_symbol_parse
from .pdf import PdfFacts, pdf_facts

logger = logging.getLogger(__name__)

DEFAULT_PAGE_PUBLISHER = "portal.models.document_page_publish"
DEFAULT_PAGE_UNPUBLISHER = "portal.models.document_page_unpublish"
# Worst first: the document badge shows the worst verdict among its files.
VERDICT_SEVERITY = [
    SignatureVerdict.INVALID,
    SignatureVerdict.UNTRUSTED,
    SignatureVerdict.UNSIGNED,
    SignatureVerdict.VALID,
]
METADATA_FIELDS = (
    "number_symbol",
    "document_type",
    "issuer",
    "signer_name",
    "signer_position",
    "issued_date",
    "effective_date",
    "field",
    "subject",
    "legal_status",
    "replaced_by",
)


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


@dataclass
class SaveOutcome:
    document: OfficialDocument
    change: str  # "created", "updated" or "unchanged"


@dataclass
class ImportResult:
    """Contract of `import_documents --json` (DESIGN.md §5), plus `updated`."""

    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported) + len(self.updated),
            "created": len(self.imported),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "rejected": self.rejected,
        }


def _clean_text(value: str) -> str:
    """NFC, single spaces, no surrounding blanks (TCVN 6909:2001, Art. 5.2.b)."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _worst(verdicts: list[str]) -> str:
    for verdict in VERDICT_SEVERITY:
        if verdict in verdicts:
            return verdict
    return SignatureVerdict.UNSIGNED


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
        setattr(data, name, _clean_text(getattr(data, name)))
    data.subject = unicodedata.normalize("NFC", data.subject or "").strip()
    if data.document_type not in DocumentType.values:
        raise DocumentRejected(
            f"Loại văn bản “{data.document_type}” không có trong danh mục "
            "thể loại văn bản (Nghị định 30/2020/NĐ-CP)."
        )
    if not data.issuer:
        raise DocumentRejected("Thiếu cơ quan ban hành.")
    if not data.subject:
        raise DocumentRejected("Thiếu trích yếu nội dung.")
    try:
        parsed = number_symbol_parse(
            data.number_symbol, document_type=data.document_type
        )
    except ValueError as exc:
        raise DocumentRejected(str(exc)) from exc
    data.number_symbol, data.symbol_year = parsed.text, parsed.year
    if parsed.year is not None and parsed.year != data.issued_date.year:
        raise DocumentRejected(
            f"Năm trong số, ký hiệu ({parsed.year}) khác năm ban hành "
            f"({data.issued_date.year})."
        )
    if data.legal_status not in LegalStatus.values:
        raise DocumentRejected(
            f"Tình trạng hiệu lực “{data.legal_status}” không hợp lệ "
            "(in-force, expired hoặc replaced)."
        )
    if data.replaced_by is not None and data.legal_status != LegalStatus.REPLACED:
        data.legal_status = LegalStatus.REPLACED
    if data.legal_status == LegalStatus.REPLACED and data.replaced_by is None:
        raise DocumentRejected("Văn bản “bị thay thế” phải chỉ ra văn bản thay thế nó.")
    return data


def document_key(data: DocumentInput) -> str:
    """The de-duplication key within an issuer: the folded number-symbol, plus the
    year of issue when the symbol has none (numbers restart every 1 January)."""
    key = number_symbol_key(data.number_symbol)
    if data.symbol_year is None:
        key = f"{key}@{data.issued_date.year}"
    return key


def _snapshot(document: OfficialDocument) -> dict[str, Any]:
    # The full text can be long and is derived from the files: not audited.
    return {k: v for k, v in snapshot(document).items() if k != "full_text"}


def document_files_check(
    files: list[PdfUpload],
) -> list[tuple[PdfUpload, PdfFacts, str]]:
    """Check every PDF before anything is written; DocumentRejected on the first
    bad one."""
    if not files:
        raise DocumentRejected("Văn bản phải có ít nhất một tệp PDF.")
    checked = []
    for upload in files:
        if len(upload.content) > settings.UPLOAD_MAX_FILE_BYTES:
            raise DocumentRejected(
                f"Tệp “{upload.name}” lớn hơn giới hạn "
                f"{settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        if not upload.content.startswith(b"%PDF-"):
            raise DocumentRejected(f"Tệp “{upload.name}” không phải tệp PDF.")
        try:
            facts = pdf_facts(upload.content)
        except UnreadablePdf as exc:
            raise DocumentRejected(f"Tệp “{upload.name}” bị hỏng: {exc}") from exc
        checked.append((upload, facts, hashlib.sha256(upload.content).hexdigest()))
    return checked


def _metadata(document: OfficialDocument) -> dict[str, Any]:
    return {
        name: (
            getattr(document, f"{name}_id")
            if name == "replaced_by"
            else getattr(document, name)
        )
        for name in METADATA_FIELDS
    }


def _full_text(document: OfficialDocument) -> tuple[str, str]:
    files = list(document.files.all())
    text = "\n\n".join(f.text for f in files if f.text).strip()
    sources = {f.text_source for f in files if f.text}
    source = TextSource.OCR if TextSource.OCR in sources else TextSource.TEXT_LAYER
    return text, source if text else TextSource.NONE


@transaction.atomic
def document_save(
    *,
    actor: AbstractBaseUser | None,
    data: DocumentInput,
    files: list[PdfUpload],
) -> SaveOutcome:
    """Create or update the document identified by (issuer, number-symbol).

    Every PDF is read and its signature checked before anything is written; on
    any error nothing is saved (files written so far are removed). Files are kept
    when their SHA-256 list is unchanged. Queues OCR for files without a text
    layer, and writes an audit record when something changed.
    """
    data = document_input_check(data)
    checked = document_files_check(files)
    key = document_key(data)
    document = (
        OfficialDocument.objects.select_for_update()
        .filter(issuer=data.issuer, number_symbol_key=key)
        .first()
    )
    before = _snapshot(document) if document else None
    old_hashes = (
        list(document.files.values_list("sha256", flat=True)) if document else []
    )
    new_hashes = [sha for _upload, _facts, sha in checked]
    if document is None:
        document = OfficialDocument(number_symbol_key=key, created_by=actor)
    for name in METADATA_FIELDS:
        setattr(document, name, getattr(data, name))
    if document.pk and old_hashes == new_hashes and before == _snapshot(document):
        return SaveOutcome(document=document, change="unchanged")
    try:
        document.full_clean(exclude=["number_symbol_key"])
    except ValidationError as exc:
        raise DocumentRejected(
            " ".join(
                message
                for messages in exc.message_dict.values()
                for message in messages
            )
        ) from exc
    document.save()
    stored: list[DocumentFile] = []
    try:
        if old_hashes != new_hashes:
            for old in document.files.all():
                # The old original leaves storage only once the new one is in.
                transaction.on_commit(
                    lambda f=old.file: f.storage.delete(f.name), robust=True
                )
                old.delete()
            for position, (upload, facts, sha256) in enumerate(checked):
                stored.append(_file_store(document, position, upload, facts, sha256))
        document.full_text, document.text_source = _full_text(document)
        document.signature_verdict = _worst(
            list(document.files.values_list("signature_verdict", flat=True))
        )
        document.save()
    except BaseException:
        for record in stored:
            record.file.delete(save=False)
        raise
    audit_record(
        actor=actor,
        action="officialdocument.created"
        if before is None
        else "officialdocument.updated",
        obj=document,
        before=before,
        after=_snapshot(document),
        note=", ".join(new_hashes),
    )
    for record in stored:
        if record.text_source == TextSource.NONE:
            from backoffice.core.leases import lease_queue

            from .tasks import ocr_document_file

            lease_queue(kind=OCR_JOB, object_id=record.pk, task=ocr_document_file.name)
    return SaveOutcome(
        document=document, change="created" if before is None else "updated"
    )


def _file_store(
    document: OfficialDocument,
    position: int,
    upload: PdfUpload,
    facts: PdfFacts,
    sha256: str,
) -> DocumentFile:
    record = DocumentFile(
        document=document,
        position=position,
        original_name=upload.name[:255],
        size=len(upload.content),
        sha256=sha256,
        pages=facts.pages,
        text="" if facts.needs_ocr else facts.text,
        text_source=TextSource.NONE if facts.needs_ocr else TextSource.TEXT_LAYER,
        signature_verdict=facts.verdict,
        signatures=facts.signatures,
        checked_at=timezone.now(),
    )
    record.file.save(upload.name, ContentFile(upload.content), save=False)
    try:
        record.save()
    except BaseException:
        record.file.delete(save=False)
        raise
    return record


def _page_hook(setting: str, default: str) -> Callable[..., Any]:
    return import_string(getattr(settings, setting, default))


@transaction.atomic
def document_publish(
    *, actor: AbstractBaseUser | None, document: OfficialDocument
) -> Any:
    """Publish (or republish) the document's library page as a new Wagtail
    revision; the publish signal puts it in the search index. Returns the page."""
    page = _page_hook("DOCUMENTS_PAGE_PUBLISHER", DEFAULT_PAGE_PUBLISHER)(
        document=document, actor=actor
    )
    audit_record(actor=actor, action="officialdocument.published", obj=document)
    return page


@transaction.atomic
def document_unpublish(
    *, actor: AbstractBaseUser | None, document: OfficialDocument
) -> None:
    """Take the document's page off the public site (and out of the index)."""
    _page_hook("DOCUMENTS_PAGE_UNPUBLISHER", DEFAULT_PAGE_UNPUBLISHER)(
        document=document, actor=actor
    )
    audit_record(actor=actor, action="officialdocument.unpublished", obj=document)


@transaction.atomic
def document_save_and_publish(
    *,
    actor: AbstractBaseUser | None,
    data: DocumentInput,
    files: list[PdfUpload],
) -> SaveOutcome:
    """`document_save` then `document_publish` unless nothing changed and the page
    is already live; all-or-nothing."""
    outcome = document_save(actor=actor, data=data, files=files)
    page = getattr(outcome.document, "publication", None)
    if outcome.change != "unchanged" or page is None or not page.live:
        document_publish(actor=actor, document=outcome.document)
        if outcome.change == "unchanged":
            outcome.change = "updated"
    return outcome


def document_file_ocr(*, file_id: int) -> bool:
    """Fill a file's text by OCR when it has no text layer, then refresh the
    document's full text and its index entry. Idempotent: False if nothing to do."""
    from .pdf import pdf_ocr

    record = DocumentFile.objects.filter(pk=file_id).first()
    if record is None or record.text:
        return False
    with record.file.open("rb") as handle:
        text = pdf_ocr(handle.read())
    with transaction.atomic():
        record = DocumentFile.objects.select_for_update().get(pk=file_id)
        record.text, record.text_source = text, TextSource.OCR
        record.save(update_fields=["text", "text_source"])
        document = OfficialDocument.objects.select_for_update().get(
            pk=record.document_id
        )
        document.full_text, document.text_source = _full_text(document)
        document.save(update_fields=["full_text", "text_source", "updated_at"])
        audit_record(
            actor=None,
            action="officialdocument.ocr",
            obj=document,
            note=f"{record.original_name}: {len(text)} ký tự",
        )
        _index_later([document.pk])
    return True


def _index_later(ids: list[int]) -> None:
    import search

    search.index_later("documents", [str(i) for i in ids])


def _replacement(
    values: dict[str, str], default_issuer: str
) -> OfficialDocument | None:
    from .imports import ReplacementMissing

    symbol = values.get("replaced_by", "")
    if not symbol:
        return None
    issuer = _clean_text(values.get("replaced_by_issuer", "")) or default_issuer
    key = number_symbol_key(symbol)
    document = (
        OfficialDocument.objects.filter(issuer=issuer)
        .filter(Q(number_symbol_key=key) | Q(number_symbol_key__startswith=f"{key}@"))
        .order_by("-issued_date")
        .first()
    )
    if document is None:
        raise ReplacementMissing(
            f"Không tìm thấy văn bản thay thế “{symbol}” của “{issuer}” "
            "(nhập văn bản thay thế trước)."
        )
    return document


def _row_input(row: Any, folder: Any) -> tuple[DocumentInput, list[PdfUpload]]:
    """DocumentInput and files of one import row; RowError/DocumentRejected."""
    from .imports import (
        RowError,
        date_of,
        document_type_of,
        legal_status_of,
        pdf_path,
    )

    if row.error:
        raise RowError(row.error)
    values = row.values
    for column in ("number_symbol", "type", "issuer", "subject"):
        if not values.get(column):
            raise RowError(f"Thiếu cột bắt buộc “{column}”.")
    if not row.files:
        raise RowError("Thiếu tên tệp PDF (cột files).")
    issuer = _clean_text(values["issuer"])
    data = DocumentInput(
        number_symbol=values["number_symbol"],
        document_type=document_type_of(values["type"]),
        issuer=issuer,
        issued_date=date_of(
            values.get("issued_date", ""), "ngày ban hành", required=True
        ),
        effective_date=date_of(
            values.get("effective_date", ""), "ngày có hiệu lực", required=False
        ),
        subject=values["subject"],
        signer_name=values.get("signer_name", ""),
        signer_position=values.get("signer_position", ""),
        field=values.get("field", ""),
        legal_status=legal_status_of(values.get("status", "")),
        replaced_by=_replacement(values, issuer),
    )
    files = []
    for name in row.files:
        path = pdf_path(folder, name)
        files.append(PdfUpload(name=path.name, content=path.read_bytes()))
    return data, files


def documents_import(
    *,
    actor: AbstractBaseUser | None,
    folder: Any,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Save and publish every document of an import folder (see imports.py).

    Each row is all-or-nothing; a bad row is reported with its reason and the
    others go on. Idempotent on (issuer, number-symbol): an identical row is
    "unchanged". Rows that name a replacing document not yet imported are retried
    once after the others. Raises imports.MetadataError if the folder or its
    metadata file cannot be read.
    """
    from pathlib import Path

    from .imports import ReplacementMissing, RowError, rows_read

    folder = Path(folder)
    rows = rows_read(folder)
    result = ImportResult()
    seen: dict[tuple[str, str], int] = {}
    done = 0
    pending = list(rows)
    for attempt in (1, 2):
        deferred = []
        for row in pending:
            try:
                data, files = _row_input(row, folder)
                data = document_input_check(data)
                identity = (data.issuer, document_key(data))
                if identity in seen:
                    raise RowError(
                        f"Trùng số, ký hiệu {data.number_symbol} của {data.issuer} "
                        f"với dòng {seen[identity]}."
                    )
                outcome = document_save_and_publish(actor=actor, data=data, files=files)
                seen[identity] = row.row
            except (RowError, DocumentRejected, ValidationError) as exc:
                if attempt == 1 and isinstance(exc, ReplacementMissing):
                    deferred.append(row)
                    continue
                reason = (
                    "; ".join(exc.messages)
                    if isinstance(exc, ValidationError)
                    else str(exc)
                )
                result.rejected.append({"row": row.row, "reason": reason})
            else:
                {
                    "created": result.imported,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }[outcome.change].append(outcome.document.number_symbol)
            done += 1
            if progress:
                progress(done, len(rows))
        pending = deferred
        if not pending:
            break
    result.rejected.sort(key=lambda item: item["row"])
    return result
