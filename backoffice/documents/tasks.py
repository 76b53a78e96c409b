"""Background work of the documents capability: OCR of PDFs without text."""

import subprocess

from celery import shared_task

from . import services

RETRY = {
    "autoretry_for": (OSError, ConnectionError, subprocess.SubprocessError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(**RETRY)
def ocr_document_file(file_id: int) -> bool:
    """OCR one document PDF that has no text layer, then refresh the index."""
    return services.document_file_ocr(file_id=file_id)
