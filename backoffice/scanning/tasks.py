"""Scan work for the worker: one batch at a time, and the scanner hot folder."""

from celery import shared_task

from . import services

RETRY = {
    "autoretry_for": (ConnectionError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(**RETRY)
def process_scan_batch(batch_id: int) -> str:
    """Run the pipeline on a batch and attach its files; returns the batch status.

    Failures of the scan itself are recorded on the batch, not retried: running the
    same file again gives the same answer until someone changes something.
    """
    return services.scan_batch_run(batch_id=batch_id).status


@shared_task(acks_late=True, ignore_result=True)
def consume_scan_hot_folder() -> dict[str, list[str]]:
    """Periodic (beat): take the files the network scanners dropped in the folder."""
    result = services.hot_folder_consume()
    return {"processed": result.processed, "failed": result.failed}
