"""One retry policy for the project's Celery tasks.

Every task that writes retries, with backoff, on errors that pass by themselves: a
mail or storage server that is briefly away (`OSError`), a broker or network hiccup,
and a database that is restarting or busy (`OperationalError`/`InterfaceError`,
SQLite's "database is locked" among them). Idempotent tasks are also redelivered when
the worker process running them dies (`reject_on_worker_lost`).
"""

from typing import Any

from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ConnectionError,
    TimeoutError,
    OperationalError,
    InterfaceError,
)


def retry_policy(
    *extra: type[BaseException], max_retries: int = 8, idempotent: bool = True
) -> dict[str, Any]:
    """Keyword arguments for `@shared_task`: retry on transient errors (plus
    `extra`), exponential backoff with jitter up to 10 minutes, late ack."""
    return {
        "autoretry_for": TRANSIENT_ERRORS + extra,
        "retry_backoff": True,
        "retry_backoff_max": 600,
        "retry_jitter": True,
        "max_retries": max_retries,
        "acks_late": True,
        "reject_on_worker_lost": idempotent,
    }
