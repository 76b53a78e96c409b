"""OCR of incoming PDFs without a text layer (in the worker), for staff search."""

from django.db import transaction

from backoffice.core.services import audit_record

from .models import IncomingDocument, IncomingFile


def incoming_file_ocr(*, file_id: int) -> bool:
    """Fill a file's text by Tesseract when it has none, then the document's full
    text (re-indexed on commit). Idempotent: False when there is nothing to do."""
    from backoffice.documents.pdf import pdf_ocr

    record = IncomingFile.objects.filter(pk=file_id, text="").first()
    if record is None or not record.file or record.media_type != "application/pdf":
        return False
    with record.file.open("rb") as handle:
        text = pdf_ocr(handle.read())
    with transaction.atomic():
        record = IncomingFile.objects.select_for_update().get(pk=file_id)
        if record.text:
            return False
        record.text, record.text_source = text, "ocr"
        record.save(update_fields=["text", "text_source"])
        document = IncomingDocument.objects.select_for_update().get(
            pk=record.document_id
        )
        document.full_text = "\n\n".join(f.text for f in document.files.all() if f.text)
        document.save(update_fields=["full_text", "updated_at"])
        audit_record(
            actor=None,
            action="incomingdocument.ocr",
            obj=document,
            note=f"{record.original_name}: {len(text)} ký tự",
            agency=document.agency,
        )
    return True
