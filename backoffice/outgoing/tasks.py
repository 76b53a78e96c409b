"""Background work of outgoing documents: one delivery per task."""

from celery import shared_task

from backoffice.core.task_policy import retry_policy

MAX_RETRIES = 6


@shared_task(bind=True, **retry_policy(max_retries=MAX_RETRIES))
def send_outgoing_delivery(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    """Send one delivery (dispatch.delivery_send); on the last failed try the
    delivery is marked failed. Idempotent: a sent delivery is not sent again."""
    from .dispatch import delivery_fail, delivery_send

    try:
        return delivery_send(delivery_id=delivery_id)
    except Exception as exc:
        if self.request.retries >= MAX_RETRIES:
            delivery_fail(delivery_id=delivery_id, reason=str(exc) or repr(exc))
            return "failed"
        raise
