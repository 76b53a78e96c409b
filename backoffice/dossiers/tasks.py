"""Work after a dossier commits: check files, issue the signed receipt, e-mail."""

from celery import shared_task

from backoffice.core.task_policy import retry_policy

from . import services
from .constants import RECEIPT_JOB

RETRY = retry_policy()


@shared_task(**RETRY)
def check_dossier_files(dossier_id: int) -> int:
    """Record each PDF's signature verdict; returns how many files were checked."""
    return services.dossier_files_check(dossier_id=dossier_id)


@shared_task(**RETRY, lease_kind=RECEIPT_JOB)
def issue_dossier_receipt(dossier_id: int) -> int:
    """Check the files, then make, sign and store form 01 once; then queue the
    receipt e-mail. Runs under a lease: a worker that dies mid-way is replaced."""
    receipt = services.dossier_receipt_issue(dossier_id=dossier_id)
    send_dossier_receipt.delay_on_commit(dossier_id)
    return receipt.pk


@shared_task(**RETRY)
def send_dossier_receipt(dossier_id: int) -> bool:
    return services.dossier_receipt_send(dossier_id=dossier_id)


@shared_task(**RETRY)
def send_dossier_status(event_id: int) -> bool:
    return services.dossier_status_send(event_id=event_id)


@shared_task(**RETRY)
def flag_overdue_dossiers() -> int:
    """Beat: flag overdue dossiers and e-mail their assignee and leaders, once per
    dossier and day (deadlines.dossiers_overdue_notify); returns how many."""
    from .deadlines import dossiers_overdue_notify

    return dossiers_overdue_notify()
