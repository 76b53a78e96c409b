"""Recall (thu hồi, business type 1; statuses 13, 15, 16).

The sender asks (`recall_request`: a signed packet of business type 1 to every
recipient the document went to by edXML); the receiving installation records the
request and answers 13; its clerk agrees (15) or refuses (16) with
`recall_decide`. An agreed recall marks the received document recalled here
(ExchangeRecall.state = agreed): nothing is deleted and its metadata is kept.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record
from backoffice.incoming.models import IncomingDocument
from backoffice.incoming.recall import incoming_recall
from backoffice.outgoing.models import OutgoingDocument

from .constants import Direction, PacketKind, RecallState
from .edxml.constants import BusinessType, StatusCode
from .edxml.model import Business, Organ
from .models import ExchangePacket, ExchangeRecall, Peer
from .outbound import ExchangeRejected, organ_of, outgoing_packet, packet_queue


def _require(actor: AbstractBaseUser | None, agency: Agency) -> None:
    if actor is None:
        return
    if Permission.KEEP_REGISTERS not in user_permissions(user=actor, agency=agency):
        raise ExchangeRejected(_("Bạn không có quyền thực hiện thao tác này."))


def recall_request(
    *, document: OutgoingDocument, reason: str, actor: AbstractBaseUser | None
) -> list[ExchangePacket]:
    """Ask every edXML recipient of `document` to recall it; audited. Raises
    ExchangeRejected without a reason or when nothing went by edXML."""
    _require(actor, document.agency)
    reason = " ".join(reason.split())
    if not reason:
        raise ExchangeRejected(_("Vui lòng nêu lý do thu hồi."))
    sent = list(
        ExchangePacket.objects.filter(
            direction=Direction.OUT,
            kind=PacketKind.DOCUMENT,
            business_type=BusinessType.NEW,
            delivery__document=document,
        ).select_related("peer", "delivery__agency")
    )
    if not sent:
        raise ExchangeRejected(
            _("Văn bản này chưa được gửi liên thông tới cơ quan nào.")
        )
    queued = []
    with transaction.atomic():
        for original in sent:
            agency = original.delivery.agency
            content = outgoing_packet(
                document=document,
                recipients=[organ_of(agency) if agency else Organ(organ_id="")],
                business=Business(doc_type=BusinessType.REVOKE, reason=reason),
                with_files=False,
            )
            queued.append(
                packet_queue(
                    kind=PacketKind.DOCUMENT,
                    document_id=original.document_id,
                    dedup_key=f"doc:{BusinessType.REVOKE}:{original.delivery_id}",
                    peer=original.peer,
                    content=content,
                    agency=document.agency,
                    delivery=original.delivery,
                    business_type=BusinessType.REVOKE,
                    sender_code=document.agency.code,
                    recipient_codes=original.recipient_codes,
                    subject=document.subject,
                )
            )
        audit_record(
            actor=actor,
            action="exchange.recall_requested",
            obj=document,
            after={"document_id": sent[0].document_id, "packets": len(queued)},
            agency=document.agency,
            note=reason[:500],
        )
    return queued


def recall_received(
    *, agency: Agency, peer: Peer, document_id: str, sender_code: str, reason: str
) -> ExchangeRecall:
    """A peer asks to recall a document it sent here: recorded, 13 answered."""
    from .inbound import VIA, RecallUnknown
    from .statuses import status_send

    incoming = IncomingDocument.objects.filter(
        agency=agency, via=VIA, source_ref=document_id
    ).first()
    if incoming is None:
        raise RecallUnknown(
            _("Không có văn bản %(id)s đã nhận để thu hồi.") % {"id": document_id}
        )
    recall, _created = ExchangeRecall.objects.get_or_create(
        document_id=document_id,
        agency=agency,
        defaults={
            "peer": peer,
            "incoming": incoming,
            "sender_code": sender_code,
            "reason": reason,
        },
    )
    audit_record(
        actor=None,
        action="exchange.recall_received",
        obj=recall,
        after={"document_id": document_id, "state": recall.state},
        agency=agency,
        note=reason[:500],
    )
    status_send(
        agency=agency,
        document_id=document_id,
        sender_code=sender_code,
        code=StatusCode.RECALL_REQUESTED,
        description=reason,
    )
    return recall


def recall_decide(
    *,
    recall: ExchangeRecall,
    agree: bool,
    note: str,
    actor: AbstractBaseUser | None,
) -> ExchangeRecall:
    """The clerk agrees (15: the received document is marked recalled, nothing
    deleted) or refuses (16, a reason needed); audited; the sender is told."""
    from .statuses import status_send

    _require(actor, recall.agency)
    note = " ".join(note.split())
    if not agree and not note:
        raise ExchangeRejected(_("Vui lòng nêu lý do từ chối thu hồi."))
    with transaction.atomic():
        row = ExchangeRecall.objects.select_for_update().get(pk=recall.pk)
        if row.state != RecallState.REQUESTED:
            raise ExchangeRejected(_("Đề nghị thu hồi này đã được quyết định."))
        before = {"state": row.state}
        row.state = RecallState.AGREED if agree else RecallState.REFUSED
        row.decided_at = timezone.now()
        row.decided_by = actor if actor is not None and actor.is_authenticated else None
        row.decision_note = note
        row.save()
        audit_record(
            actor=actor,
            action="exchange.recall_agreed" if agree else "exchange.recall_refused",
            obj=row,
            before=before,
            after={"state": row.state, "incoming": row.incoming_id},
            agency=row.agency,
            note=note[:500],
        )
        if agree and row.incoming_id is not None:
            incoming_recall(
                document=row.incoming,
                actor=actor,
                reason=row.reason or note,
            )
        status_send(
            agency=row.agency,
            document_id=row.document_id,
            sender_code=row.sender_code,
            code=StatusCode.RECALL_AGREED if agree else StatusCode.RECALL_REFUSED,
            description=note,
        )
    return row


def is_recalled(*, incoming: IncomingDocument) -> bool:
    """Whether an agreed recall froze this received document."""
    return IncomingDocument.objects.filter(
        pk=incoming.pk, recalled_at__isnull=False
    ).exists()
