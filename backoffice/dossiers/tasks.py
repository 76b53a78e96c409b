"""Work after a dossier commits: check files, issue the signed receipt, notify.

Task names are part of the queue: a message already in the broker names one of
these, so they keep their names (`send_dossier_receipt` and `send_dossier_status`
now hand the notice to the notification service, which queues one
`send_dossier_notice` per channel).
"""

from celery import shared_task

from backoffice.core.sms import SmsDeliveryError
from backoffice.core.task_policy import retry_policy

from . import notify, receipts, services
from .constants import RECEIPT_JOB

RETRY = retry_policy()
# A channel's provider refusing or away is retried like a mail server away.
NOTICE_RETRY = retry_policy(SmsDeliveryError)


@shared_task(**RETRY)
def check_dossier_files(dossier_id: int) -> int:
    """Record each PDF's signature verdict; returns how many files were checked."""
    return services.dossier_files_check(dossier_id=dossier_id)


@shared_task(**RETRY, lease_kind=RECEIPT_JOB)
def issue_dossier_receipt(dossier_id: int) -> int:
    """Check the files, then make, sign and store form 01 once; then notify the
    applicant. Runs under a lease: a worker that dies mid-way is replaced."""
    receipt = receipts.dossier_receipt_issue(dossier_id=dossier_id)
    notify.dossier_notify(event=notify.ReceiptIssued(dossier_id))
    return receipt.pk


@shared_task(**RETRY)
def send_dossier_receipt(dossier_id: int) -> list[str]:
    """Notify the applicant that form 01 was issued (queues one task a channel)."""
    return notify.dossier_notify(event=notify.ReceiptIssued(dossier_id))


@shared_task(**RETRY)
def send_dossier_status(event_id: int) -> list[str]:
    """Notify the applicant of a status event (queues one task a channel)."""
    return notify.dossier_notify(event=notify.StatusChanged(event_id))


@shared_task(**NOTICE_RETRY)
def send_dossier_notice(channel: str, kind: str, object_id: int) -> bool:
    """Send one notice by one channel ("email" or "sms"); retried on its own."""
    return notify.dossier_notice_send(
        channel=channel, event=notify.notice_event(kind=kind, object_id=object_id)
    )


@shared_task(**RETRY)
def flag_overdue_dossiers() -> int:
    """Beat: flag overdue dossiers and e-mail their assignee and leaders, once per
    dossier and day (deadlines.dossiers_overdue_notify); returns how many."""
    from .deadlines import dossiers_overdue_notify

    return dossiers_overdue_notify()
