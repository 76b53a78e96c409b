"""Background e-mail delivery, retried with backoff when the mail server fails."""

from django.core.mail import EmailMessage

from celery import shared_task

from .task_policy import retry_policy


@shared_task(**retry_policy())
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail. Safe to retry: a message is only ever re-sent."""
    return EmailMessage(subject=subject, body=body, to=to).send()


@shared_task(acks_late=True, ignore_result=True)
def drain_outbox() -> int:
    """Publish outbox messages the web process could not (broker down at commit),
    and prune those sent long ago. Runs on beat; safe to run concurrently."""
    from django.conf import settings

    from .outbox import outbox_prune, outbox_send

    sent = outbox_send(older_than=settings.OUTBOX_GRACE_SECONDS)
    outbox_prune(days=settings.OUTBOX_KEEP_DAYS)
    return sent


@shared_task(acks_late=True, ignore_result=True)
def reap_leases() -> dict[str, list[str]]:
    """Run again (or give up on) jobs whose worker died. Runs on beat."""
    from .leases import leases_reap

    result = leases_reap()
    return {"requeued": result.requeued, "failed": result.failed}


@shared_task(acks_late=True, ignore_result=True)
def check_originals_integrity() -> int:
    """Re-hash every stored original (monthly, on beat); returns the problem count."""
    from .integrity import integrity_check

    return len(integrity_check().problems)
