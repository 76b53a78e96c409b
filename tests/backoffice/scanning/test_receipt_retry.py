"""A receipt whose signing job failed is shown as failed, with an audited retry
(issue 8.2); a transient database error is retried by the task itself."""

from django.db import OperationalError

import pytest

from backoffice.core.constants import Role
from backoffice.core.leases import lease_acquire, lease_release
from backoffice.core.models import AuditLogEntry, JobLease, OutboxMessage
from backoffice.dossiers import handling
from backoffice.dossiers import receipts as dossier_receipts
from backoffice.dossiers.models import DossierFile
from backoffice.dossiers.tasks import issue_dossier_receipt

from . import counter_helpers

pytestmark = pytest.mark.django_db

counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer


def _fail_receipt(dossier) -> None:
    task = issue_dossier_receipt.name
    assert lease_acquire(
        kind="dossier_receipt", object_id=dossier.pk, task=task, ttl=60
    )
    lease_release(
        kind="dossier_receipt",
        object_id=dossier.pk,
        state=JobLease.State.FAILED,
        error="OSError('token removed')",
    )


def test_failed_receipt_offers_an_audited_retry(
    counter_dossier, officer, verified_client
) -> None:
    _fail_receipt(counter_dossier)
    client = verified_client(officer)
    page = client.get(f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/")
    html = page.content.decode()
    assert 'id="receipt-failed"' in html and 'id="receipt-retry"' in html
    queued_before = OutboxMessage.objects.filter(
        task=issue_dossier_receipt.name
    ).count()
    done = client.post(
        f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/tao-lai-giay-tiep-nhan/"
    )
    assert done.status_code == 302
    lease = JobLease.objects.get(kind="dossier_receipt", object_id=counter_dossier.pk)
    assert lease.state == JobLease.State.QUEUED
    assert (
        OutboxMessage.objects.filter(task=issue_dossier_receipt.name).count()
        == queued_before + 1
    )
    entry = AuditLogEntry.objects.get(action="dossier.receipt_retried")
    assert entry.actor == officer
    page = client.get(f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/")
    assert 'id="receipt-pending"' in page.content.decode()


def test_retry_is_refused_while_running_and_without_the_reception_right(
    counter_dossier, officer, make_staff, agency_tree
) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    task = issue_dossier_receipt.name
    lease_acquire(
        kind="dossier_receipt", object_id=counter_dossier.pk, task=task, ttl=60
    )
    JobLease.objects.update(holder="other-host:7")
    with pytest.raises(ValidationError):
        handling.dossier_receipt_retry(dossier=counter_dossier, actor=officer)
    clerk = make_staff("vanthu", agency=agency_tree["ward"], role=Role.CLERK)
    with pytest.raises(PermissionDenied):
        handling.dossier_receipt_retry(dossier=counter_dossier, actor=clerk)
    assert not AuditLogEntry.objects.filter(action="dossier.receipt_retried").exists()


def test_database_is_locked_is_retried_not_lost(
    counter_dossier, agency_pki, celery_eager, monkeypatch
) -> None:
    real = dossier_receipts.dossier_receipt_issue
    calls = []

    def flaky(*, dossier_id: int):
        calls.append(dossier_id)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(dossier_id=dossier_id)

    monkeypatch.setattr(dossier_receipts, "dossier_receipt_issue", flaky)
    issue_dossier_receipt.apply(args=[counter_dossier.pk])
    assert len(calls) == 2
    assert counter_dossier.files.filter(kind=DossierFile.Kind.RECEIPT).count() == 1
    lease = JobLease.objects.get(kind="dossier_receipt", object_id=counter_dossier.pk)
    assert lease.state == JobLease.State.DONE
