"""Background work of outgoing documents: the signing job of a release, one
delivery per task."""

import logging

from celery import shared_task

from backoffice.core.task_policy import TRANSIENT_ERRORS, retry_policy

from .constants import RELEASE_JOB

logger = logging.getLogger(__name__)
MAX_RETRIES = 6
SIGN_MAX_RETRIES = 5


@shared_task(
    bind=True, **retry_policy(max_retries=SIGN_MAX_RETRIES), lease_kind=RELEASE_JOB
)
def sign_outgoing_document(self, document_id: int) -> str:  # type: ignore[no-untyped-def]
    """Number and sign a document marked "đang ký" (release.outgoing_release_sign).
    Leased: a worker that dies mid-signing is replaced by the reaper; a duplicate
    message does nothing. A transient error is retried; after the last try, or at
    once for any other error, the document is approved again with the reason (so
    it never stays "đang ký" with no job behind it)."""
    from .release import outgoing_release_sign

    try:
        return outgoing_release_sign(document_id=document_id)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries < SIGN_MAX_RETRIES:
            raise
        return _give_up(document_id, exc)
    except Exception as exc:
        logger.exception("Signing job of outgoing document %s failed", document_id)
        return _give_up(document_id, exc)


def _give_up(document_id: int, exc: BaseException) -> str:
    from django.utils.translation import gettext as _

    from .release import outgoing_release_reopen

    outgoing_release_reopen(
        document_id=document_id,
        reason=_("Ký số không thành công do lỗi hệ thống: %(error)s")
        % {"error": str(exc) or repr(exc)},
    )
    return "failed"


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
