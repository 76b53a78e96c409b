"""Background work of the reports app."""

from celery import shared_task

from backoffice.core.task_policy import retry_policy


@shared_task(**retry_policy())
def refresh_public_statistics() -> int:
    """Rebuild the public statistics snapshot (daily, on beat); returns its id.

    Idempotent: each run replaces the previous snapshot."""
    from .statistics import statistics_refresh

    return statistics_refresh().pk
