"""Background work of the documents capability: OCR of PDFs without text."""

import subprocess

from celery import shared_task

from backoffice.core.task_policy import retry_policy

from . import services

RETRY = retry_policy(subprocess.SubprocessError, max_retries=5)


@shared_task(**RETRY)
def ocr_document_file(file_id: int) -> bool:
    """OCR one document PDF that has no text layer, then refresh the index."""
    return services.document_file_ocr(file_id=file_id)
