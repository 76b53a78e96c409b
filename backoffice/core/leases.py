"""Leases on long jobs: a job whose worker died is noticed and run again.

A task class with `lease_kind` set (see `DurableTask`) runs under a lease on
(kind, first argument). `lease_acquire` takes it — refusing while another live worker
holds it, and skipping a job already done, so a redelivered message does no work
twice — `lease_renew` extends it as the work progresses, and the task's end releases
it as done or failed. `leases_reap` (beat) finds leases whose time ran out: their
worker was killed (out of memory, redeploy). It queues the job again up to
`LEASE_MAX_REQUEUES` times, then marks it failed with the reason; each app may
register what "failed" means for its records (`register_give_up`).
"""

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import JobLease

logger = logging.getLogger(__name__)

_GIVE_UP: dict[str, Callable[[int, str], None]] = {}


def register_give_up(kind: str, callback: Callable[[int, str], None]) -> None:
    """Let the app that owns `kind` record a job the reaper gave up on
    (callback(object_id, reason)), e.g. a scan batch marked failed."""
    _GIVE_UP[kind] = callback


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_queue(*, kind: str, object_id: int, task: str) -> None:
    """(Re)queue a job: its lease is reset and the task goes through the outbox
    with the current transaction. Staff re-runs come here too."""
    from .outbox import outbox_enqueue

    # One upsert: this runs inside every submission.
    JobLease.objects.bulk_create(
        [
            JobLease(
                kind=kind,
                object_id=object_id,
                task=task,
                state=JobLease.State.QUEUED,
                updated_at=timezone.now(),
            )
        ],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=[
            "task",
            "state",
            "holder",
            "expires_at",
            "requeues",
            "updated_at",
        ],
    )
    outbox_enqueue(task=task, args=[object_id])


def lease_acquire(*, kind: str, object_id: int, task: str, ttl: float) -> bool:
    """Take the lease for this process; False when the job is done already or a
    live worker holds it (the caller then does nothing)."""
    now = timezone.now()
    with transaction.atomic():
        lease, _created = JobLease.objects.select_for_update().get_or_create(
            kind=kind, object_id=object_id, defaults={"task": task}
        )
        if lease.state == JobLease.State.DONE:
            return False
        if (
            lease.state == JobLease.State.RUNNING
            and lease.expires_at is not None
            and lease.expires_at > now
            and lease.holder != worker_id()
        ):
            return False
        lease.state = JobLease.State.RUNNING
        lease.holder = worker_id()
        lease.expires_at = now + dt.timedelta(seconds=ttl)
        lease.runs += 1
        lease.save()
    return True


def lease_renew(*, kind: str, object_id: int, ttl: float) -> bool:
    """Extend this process's lease; False if it is no longer ours."""
    return bool(
        JobLease.objects.filter(
            kind=kind,
            object_id=object_id,
            holder=worker_id(),
            state=JobLease.State.RUNNING,
        ).update(expires_at=timezone.now() + dt.timedelta(seconds=ttl))
    )


def lease_release(*, kind: str, object_id: int, state: str, error: str = "") -> None:
    """End this process's run: done, failed, or queued (a retry is scheduled)."""
    JobLease.objects.filter(kind=kind, object_id=object_id).update(
        state=state,
        holder="",
        expires_at=None,
        last_error=error[:4000],
        updated_at=timezone.now(),
    )


def lease_get(*, kind: str, object_id: int) -> JobLease | None:
    return JobLease.objects.filter(kind=kind, object_id=object_id).first()


def lease_expired(*, kind: str, object_id: int) -> bool:
    """True when no live worker holds the job (never started, ended, or died)."""
    lease = lease_get(kind=kind, object_id=object_id)
    return (
        lease is None
        or lease.state != JobLease.State.RUNNING
        or lease.expires_at is None
        or lease.expires_at <= timezone.now()
    )


@dataclass(frozen=True)
class ReapResult:
    requeued: list[str]
    failed: list[str]


def leases_reap(*, now: dt.datetime | None = None) -> ReapResult:
    """Queue again each job whose lease ran out, or give it up after too many."""
    from .outbox import outbox_enqueue

    moment = now or timezone.now()
    requeued, failed = [], []
    # Running with the lease run out: the worker died. Queued for too long: the
    # message was lost (a broker restarted without persistence).
    stale = Q(state=JobLease.State.RUNNING, expires_at__lte=moment) | Q(
        state=JobLease.State.QUEUED,
        updated_at__lte=moment - dt.timedelta(seconds=settings.LEASE_QUEUED_SECONDS),
    )
    for pk in list(JobLease.objects.filter(stale).values_list("pk", flat=True)):
        with transaction.atomic():
            lease = JobLease.objects.select_for_update().filter(stale, pk=pk).first()
            if lease is None:  # renewed, started or released meanwhile
                continue
            label = f"{lease.kind} #{lease.object_id}"
            if lease.state == JobLease.State.RUNNING:
                reason = _(
                    "Tiến trình %(holder)s ngừng giữa chừng (hết hạn lúc %(at)s)."
                ) % {
                    "holder": lease.holder,
                    "at": f"{timezone.localtime(lease.expires_at):%H:%M:%S}",
                }
            else:
                reason = _("Việc chờ quá lâu mà chưa được chạy (thông điệp bị mất).")
            if lease.requeues < settings.LEASE_MAX_REQUEUES:
                lease.state, lease.requeues = JobLease.State.QUEUED, lease.requeues + 1
                lease.holder, lease.expires_at, lease.last_error = "", None, reason
                lease.save()
                outbox_enqueue(task=lease.task, args=[lease.object_id])
                requeued.append(label)
            else:
                reason += " " + _("Đã tự chạy lại %(count)s lần; dừng lại.") % {
                    "count": lease.requeues
                }
                lease.state, lease.holder = JobLease.State.FAILED, ""
                lease.expires_at, lease.last_error = None, reason
                lease.save()
                callback = _GIVE_UP.get(lease.kind)
                if callback is not None:
                    callback(lease.object_id, reason)
                failed.append(label)
            logger.warning("Lease of %s expired: %s", label, reason)
    return ReapResult(requeued=requeued, failed=failed)
