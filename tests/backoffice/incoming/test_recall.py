"""A recalled incoming document is frozen: kept with its number, files and history,
and no further step is allowed."""

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.incoming.constants import IncomingStatus
from backoffice.incoming.models import IncomingDocument
from backoffice.incoming.recall import incoming_recall

pytestmark = pytest.mark.django_db


def test_a_recalled_document_is_kept_and_frozen(agency_tree):
    moment = timezone.now()
    document = IncomingDocument.objects.create(
        agency=agency_tree["justice"],
        via="edxml",
        source_ref="000.00.11.H60,2026/11/30,125/STTTT-VP",
        status=IncomingStatus.ASSIGNED,
        delivered_at=moment,
        received_at=moment,
        incoming_number=3,
        year=moment.year,
        subject="Công văn bị thu hồi",
    )
    recalled = incoming_recall(document=document, actor=None, reason="Ban hành nhầm")
    assert recalled.recalled_at is not None
    assert recalled.recall_reason == "Ban hành nhầm"
    again = incoming_recall(document=document, actor=None, reason="lần hai")
    assert again.recall_reason == "Ban hành nhầm"  # idempotent
    assert AuditLogEntry.objects.filter(action="incomingdocument.recalled").count() == 1
    with pytest.raises(ValidationError, match="thu hồi"):
        again.transition_to(IncomingStatus.DONE)
    kept = IncomingDocument.objects.get(pk=document.pk)
    assert kept.incoming_number == 3 and kept.status == IncomingStatus.ASSIGNED
