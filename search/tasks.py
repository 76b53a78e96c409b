"""Index updates run in the worker, after the triggering transaction commits."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

from celery import shared_task

import search

# A database that restarts or is busy passes by itself, like a network error.
DATABASE_ERRORS = (OperationalError, InterfaceError)

RETRY = {
    "autoretry_for": (OSError, ConnectionError, TimeoutError, *DATABASE_ERRORS),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(**RETRY)
def index_objects_task(index_name: str, ids: list[str]) -> int:
    """Re-read the objects and upsert them (or remove those no longer indexable or
    gone); idempotent. Returns how many documents were upserted."""
    return search.refresh(index_name, ids)


@shared_task(**RETRY)
def remove_objects_task(index_name: str, ids: list[str]) -> int:
    """Remove documents by id; idempotent."""
    search.remove_objects(index_name, ids)
    return len(ids)
