"""Background e-mail delivery, retried with backoff when the mail server fails."""

from django.core.mail import EmailMessage

from celery import shared_task


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
)
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail. Safe to retry: a message is only ever re-sent."""
    return EmailMessage(subject=subject, body=body, to=to).send()
