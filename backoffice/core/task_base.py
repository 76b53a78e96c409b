"""The project's Celery task class (config/celery.py): durable enqueue and leases.

- `delay_on_commit` / `apply_async_on_commit` go through the transactional outbox
  (outbox.py): the call is a row in the caller's transaction, so a broker outage
  never fails a request nor loses the work.
- A task with `lease_kind` runs under a lease on its first argument (leases.py):
  a redelivered or duplicated message of a job already done, or held by a live
  worker, does nothing; a job whose worker died is run again by `reap_leases`.
"""

import logging
from collections.abc import Iterable
from typing import Any

from celery.contrib.django.task import DjangoTask
from celery.exceptions import Retry

logger = logging.getLogger(__name__)


class DurableTask(DjangoTask):
    lease_kind: str | None = None
    lease_ttl: float | None = None  # seconds; None: settings.LEASE_SECONDS

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        from .outbox import outbox_enqueue

        outbox_enqueue(task=self.name, args=list(args), kwargs=kwargs)

    def apply_async_on_commit(
        self,
        args: Iterable[Any] | None = None,
        kwargs: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        from .outbox import outbox_enqueue

        outbox_enqueue(
            task=self.name,
            args=list(args or ()),
            kwargs=dict(kwargs or {}),
            options=options,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.lease_kind:
            return super().__call__(*args, **kwargs)
        from django.conf import settings

        from .leases import lease_acquire, lease_release
        from .models import JobLease

        object_id = int(args[0] if args else next(iter(kwargs.values())))
        if not lease_acquire(
            kind=self.lease_kind,
            object_id=object_id,
            task=self.name,
            ttl=self.lease_ttl or settings.LEASE_SECONDS,
        ):
            logger.info(
                "%s #%s is done or held by a live worker; nothing to do",
                self.lease_kind,
                object_id,
            )
            return None
        try:
            result = super().__call__(*args, **kwargs)
        except Retry as retry:
            lease_release(
                kind=self.lease_kind,
                object_id=object_id,
                state=JobLease.State.QUEUED,
                error=repr(retry.exc or retry),
            )
            raise
        except BaseException as exc:
            lease_release(
                kind=self.lease_kind,
                object_id=object_id,
                state=JobLease.State.FAILED,
                error=repr(exc),
            )
            raise
        lease_release(
            kind=self.lease_kind, object_id=object_id, state=JobLease.State.DONE
        )
        return result
