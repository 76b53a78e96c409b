"""Background work of the documents capability: OCR of PDFs without text."""

import subprocess

from django.conf import settings

from celery import shared_task

from backoffice.core.task_policy import retry_policy

from . import services
from .constants import OCR_JOB

RETRY = retry_policy(subprocess.SubprocessError, max_retries=5)


@shared_task(**RETRY, lease_kind=OCR_JOB, lease_ttl=settings.DOCUMENT_OCR_LEASE_SECONDS)
def ocr_document_file(file_id: int) -> bool | None:
    """OCR one document PDF that has no text layer, then refresh the index. Runs
    under a lease: a worker that dies mid-OCR is replaced by the reaper."""
    return services.document_file_ocr(file_id=file_id)
