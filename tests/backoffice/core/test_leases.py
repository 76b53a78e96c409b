"""Leases on long jobs: held, renewed, reaped when their worker died (issue 19)."""

from django.utils import timezone

import pytest

from backoffice.core.leases import (
    lease_acquire,
    lease_expired,
    lease_queue,
    lease_renew,
    leases_reap,
    register_give_up,
)
from backoffice.core.models import JobLease, OutboxMessage

pytestmark = pytest.mark.django_db

TASK = "backoffice.core.tasks.send_email"


def _expire(kind: str = "job", object_id: int = 1, holder: str = "dead-host:1"):
    JobLease.objects.filter(kind=kind, object_id=object_id).update(
        holder=holder, expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )


def test_a_live_lease_is_not_taken_twice_but_a_done_job_is_never_rerun() -> None:
    lease_queue(kind="job", object_id=1, task=TASK)
    assert lease_acquire(kind="job", object_id=1, task=TASK, ttl=60)
    JobLease.objects.filter(kind="job").update(holder="other-host:99")
    assert not lease_acquire(kind="job", object_id=1, task=TASK, ttl=60)
    assert not lease_expired(kind="job", object_id=1)
    JobLease.objects.filter(kind="job").update(state=JobLease.State.DONE)
    assert not lease_acquire(kind="job", object_id=1, task=TASK, ttl=60)


def test_renewal_keeps_the_lease_alive_only_for_its_holder() -> None:
    assert lease_acquire(kind="job", object_id=1, task=TASK, ttl=1)
    before = JobLease.objects.get().expires_at
    assert lease_renew(kind="job", object_id=1, ttl=300)
    assert JobLease.objects.get().expires_at > before
    JobLease.objects.update(holder="other-host:99")
    assert not lease_renew(kind="job", object_id=1, ttl=300)


def test_an_expired_lease_is_requeued_then_given_up_with_the_reason(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.LEASE_MAX_REQUEUES = 2
    given_up = []
    register_give_up(
        "job", lambda object_id, reason: given_up.append((object_id, reason))
    )
    assert lease_acquire(kind="job", object_id=1, task=TASK, ttl=60)
    assert leases_reap().requeued == []  # alive: nothing to do
    for attempt in (1, 2):
        _expire()
        with django_capture_on_commit_callbacks(execute=False):
            result = leases_reap()
        assert result.requeued == ["job #1"]
        lease = JobLease.objects.get()
        assert lease.state == JobLease.State.QUEUED
        assert lease.requeues == attempt
        assert "dead-host:1" in lease.last_error
        assert lease_expired(kind="job", object_id=1)  # staff may run it again
        assert OutboxMessage.objects.filter(task=TASK, args=[1]).count() == attempt
        assert lease_acquire(kind="job", object_id=1, task=TASK, ttl=60)
    _expire()
    result = leases_reap()
    assert result.failed == ["job #1"]
    lease = JobLease.objects.get()
    assert lease.state == JobLease.State.FAILED
    assert "2 lần" in lease.last_error
    assert given_up and given_up[0][0] == 1


def test_a_task_with_a_lease_records_done_and_failed(celery_eager) -> None:
    from celery import shared_task

    calls = []

    @shared_task(lease_kind="probe", name="tests.probe_task")
    def probe(object_id: int, fail: bool = False) -> int:
        calls.append(object_id)
        if fail:
            raise ValueError("hỏng")
        return object_id

    probe.apply(args=[5])
    assert JobLease.objects.get(kind="probe", object_id=5).state == "done"
    probe.apply(args=[5])  # a redelivered message of a done job does nothing
    assert calls == [5]
    probe.apply(args=[6], kwargs={"fail": True})
    lease = JobLease.objects.get(kind="probe", object_id=6)
    assert lease.state == "failed"
    assert "hỏng" in lease.last_error


def test_a_job_queued_too_long_is_queued_again(settings) -> None:
    """Its message was lost (a broker restarted without persistence)."""
    settings.LEASE_QUEUED_SECONDS = 60
    lease_queue(kind="job", object_id=3, task=TASK)
    assert leases_reap().requeued == []
    JobLease.objects.filter(kind="job").update(
        updated_at=timezone.now() - timezone.timedelta(seconds=61)
    )
    assert leases_reap().requeued == ["job #3"]
    lease = JobLease.objects.get(kind="job")
    assert lease.state == JobLease.State.QUEUED and lease.requeues == 1
    assert "bị mất" in lease.last_error
    assert OutboxMessage.objects.filter(task=TASK, args=[3]).count() == 2
