"""Writes of the documents capability: save, publish, unpublish, OCR.

A document is saved all-or-nothing (metadata, files, verdicts). The public page
is presentation: it is made and published through the registered
`publishing.DocumentPublisher` (the portal registers one), so this package never
imports the portal. Input checks live in `inputs.py`, bulk import in
`bulk_import.py`.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backoffice.core.services import audit_record, snapshot

from .constants import OCR_JOB, SignatureVerdict
from .inputs import (
    DocumentInput,
    DocumentRejected,
    PdfUpload,
    clean_text,
    document_files_check,
    document_input_check,
    document_key,
)
from .models import DocumentFile, OfficialDocument, TextSource
from .pdf import PdfFacts
from .publishing import publisher_get

__all__ = [
    "DocumentInput",
    "DocumentRejected",
    "PdfUpload",
    "SaveOutcome",
    "clean_text",
    "document_file_ocr",
    "document_files_check",
    "document_input_check",
    "document_key",
    "document_publish",
    "document_save",
    "document_save_and_publish",
    "document_unpublish",
]

logger = logging.getLogger(__name__)

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


@dataclass
class SaveOutcome:
    document: OfficialDocument
    change: str  # "created", "updated" or "unchanged"


def _worst(verdicts: list[str]) -> str:
    for verdict in VERDICT_SEVERITY:
        if verdict in verdicts:
            return verdict
    return SignatureVerdict.UNSIGNED


def _snapshot(document: OfficialDocument) -> dict[str, Any]:
    # The full text can be long and is derived from the files: not audited.
    return {k: v for k, v in snapshot(document).items() if k != "full_text"}


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


@transaction.atomic
def document_publish(
    *, actor: AbstractBaseUser | None, document: OfficialDocument
) -> Any:
    """Publish (or republish) the document's public page through the registered
    publisher (the portal: a new Wagtail revision, whose publish signal puts it in
    the search index). Returns the page; DocumentRejected if nobody publishes."""
    page = publisher_get().publish(document=document, actor=actor)
    audit_record(actor=actor, action="officialdocument.published", obj=document)
    return page


@transaction.atomic
def document_unpublish(
    *, actor: AbstractBaseUser | None, document: OfficialDocument
) -> None:
    """Take the document's page off the public site (and out of the index);
    DocumentRejected if nobody publishes."""
    publisher_get().unpublish(document=document, actor=actor)
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
    if outcome.change != "unchanged" or not publisher_get().is_live(outcome.document):
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
