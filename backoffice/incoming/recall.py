"""Recall (thu hồi) of a received document: frozen, never deleted.

Called by the channel that carried the sender's request (the edXML exchange) once
the clerk agreed. The document keeps its number, files and history; every later
step is refused (`IncomingDocument.transition_to`).
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from backoffice.core.services import audit_record

from .models import IncomingDocument


@transaction.atomic
def incoming_recall(
    *, document: IncomingDocument, actor: AbstractBaseUser | None, reason: str
) -> IncomingDocument:
    """Mark the document recalled (idempotent); audited."""
    document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
    if document.recalled_at is not None:
        return document
    document.recalled_at = timezone.now()
    document.recall_reason = " ".join(reason.split())[:2000]
    document.save(update_fields=["recalled_at", "recall_reason"])
    audit_record(
        actor=actor,
        action="incomingdocument.recalled",
        obj=document,
        after={"recalled_at": document.recalled_at.isoformat()},
        agency=document.agency,
        note=document.recall_reason[:500],
    )
    return document
