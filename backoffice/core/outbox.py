"""The transactional outbox: Celery tasks queued durably with the write they follow.

`outbox_enqueue` writes an `OutboxMessage` row in the caller's transaction instead
of keeping the call in memory (the project's task class routes `delay_on_commit`
here, see task_base.py), then tries the broker once the transaction commits. A
broker that is down never fails the request and never loses the work:
`drain_outbox` (beat) sends what is left when the broker is back.
"""

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Publishing must not hang a web request while the broker is unreachable: one try,
# a short connection timeout; the drainer sends it later.
_PUBLISH = {"retry": False}


def outbox_enqueue(
    *,
    task: str,
    args: list[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> int:
    """Record a task call in the current transaction; send it once that commits.

    Side effects: one `OutboxMessage` row; an on-commit callback that publishes it.
    Arguments must be JSON (ids, not objects), as tasks require anyway.
    """
    from .models import OutboxMessage

    message = OutboxMessage.objects.create(
        task=task, args=args or [], kwargs=kwargs or {}, options=options or {}
    )
    transaction.on_commit(lambda: outbox_publish(messages=[message]), robust=True)
    return message.pk


def outbox_send(*, ids: list[int] | None = None, older_than: float = 0) -> int:
    """Publish unsent messages (the given ids, or all older than `older_than` s).

    Stops at the first broker error (the rest would fail the same way) and records
    it on the message. Returns how many were published.
    """
    from .models import OutboxMessage

    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    if older_than:
        pending = pending.filter(
            created_at__lte=timezone.now() - dt.timedelta(seconds=older_than)
        )
    return outbox_publish(messages=list(pending.order_by("pk")[:500]))


def outbox_publish(*, messages: "list[OutboxMessage]") -> int:
    """Publish these messages in order, marking each sent; stop at the first broker
    error, recorded on the message. Returns how many were published."""
    from config.celery import app

    from .models import OutboxMessage

    sent = 0
    for message in messages:
        options = {**message.options, **_PUBLISH}
        # The task object when this process has it (eager mode runs it here), else
        # by name: the worker that consumes it knows it.
        task = app.tasks.get(message.task)
        try:
            if task is not None:
                task.apply_async(args=message.args, kwargs=message.kwargs, **options)
            else:
                app.send_task(
                    message.task, args=message.args, kwargs=message.kwargs, **options
                )
        except Exception as exc:  # noqa: BLE001 — any broker failure: keep it queued
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=message.attempts + 1, last_error=repr(exc)[:2000]
            )
            logger.warning(
                "Outbox: %s #%s not sent, kept for later: %r",
                message.task,
                message.pk,
                exc,
            )
            break
        OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        sent += 1
    return sent


def outbox_prune(*, days: int) -> int:
    """Delete messages sent more than `days` ago (the work itself is recorded
    elsewhere; the outbox only carries it to the broker)."""
    from .models import OutboxMessage

    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
