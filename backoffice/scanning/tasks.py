"""Scan work for the worker: one batch at a time, and the scanner hot folder."""

from django.conf import settings

from celery import shared_task

from backoffice.core.task_policy import retry_policy

from . import services
from .constants import SCAN_JOB

RETRY = retry_policy(max_retries=5)


@shared_task(**RETRY, lease_kind=SCAN_JOB, lease_ttl=settings.SCAN_LEASE_SECONDS)
def process_scan_batch(batch_id: int) -> str | None:
    """Run the pipeline on a batch and attach its files; returns the batch status.

    Failures of the scan itself are recorded on the batch, not retried: running the
    same file again gives the same answer until someone changes something. Runs
    under a lease renewed page by page: a worker killed mid-batch is replaced.
    """
    return services.scan_batch_run(batch_id=batch_id).status


@shared_task(acks_late=True, ignore_result=True)
def consume_scan_hot_folder() -> dict[str, list[str]]:
    """Periodic (beat): take the files the network scanners dropped in the folder."""
    result = services.hot_folder_consume()
    return {"processed": result.processed, "failed": result.failed}


@shared_task(**RETRY)
def flatten_dossier_photo(file_id: int) -> str | None:
    """Make the flat, searchable PDF of a photo uploaded to a dossier; idempotent."""
    from .photos import dossier_photo_flatten

    record = dossier_photo_flatten(file_id=file_id)
    return record.outcome if record is not None else None
