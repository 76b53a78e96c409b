"""Background work of incoming documents: checks, OCR, channel notices, mailboxes."""

import subprocess

from celery import shared_task

from backoffice.core.task_policy import retry_policy

from .constants import CHECK_JOB

RETRY = retry_policy()


@shared_task(**RETRY, lease_kind=CHECK_JOB)
def check_incoming_document(document_id: int) -> bool | None:
    """Signature verdict and text layer of a received document (idempotent)."""
    from .services import incoming_check

    return incoming_check(document_id=document_id)


@shared_task(**retry_policy(subprocess.SubprocessError, max_retries=5))
def ocr_incoming_file(file_id: int) -> bool:
    """OCR one PDF of an incoming document that has no text layer."""
    from .extraction import incoming_file_ocr

    return incoming_file_ocr(file_id=file_id)


@shared_task(**retry_policy(Exception, max_retries=10))
def notify_incoming_event(event_id: int) -> bool:
    """Tell the document's channel about one event (acknowledgement e-mail, …);
    retried with backoff while the channel fails, done once per event."""
    from .acknowledgements import incoming_event_notify

    return incoming_event_notify(event_id=event_id)


@shared_task(acks_late=True, ignore_result=True)
def poll_incoming_mailboxes() -> int:
    """Beat: queue a poll of every active mailbox whose next poll is due."""
    from .mailboxes import mailboxes_due

    due = mailboxes_due()
    for mailbox_id in due:
        poll_incoming_mailbox.delay(mailbox_id)
    return len(due)


@shared_task(acks_late=True, ignore_result=True)
def poll_incoming_mailbox(mailbox_id: int) -> dict[str, int | str]:
    """Read the new mail of one mailbox (failures back off, see mailboxes.py)."""
    from .mailboxes import incoming_mailbox_poll

    return incoming_mailbox_poll(mailbox_id=mailbox_id).as_dict()


@shared_task(acks_late=True, ignore_result=True)
def flag_overdue_incoming() -> int:
    """Beat: flag assigned documents past their due moment."""
    from .routing import incoming_overdue_flag

    return incoming_overdue_flag()
