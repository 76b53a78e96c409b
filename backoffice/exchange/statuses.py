"""Status packets both ways: sent when the incoming desk moves a document that
arrived by edXML (its notifier), received from peers and shown per recipient."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.outgoing.constants import DeliveryStatus
from backoffice.outgoing.models import OutgoingRecipient

from .constants import EVENT_STATUS, Direction, PacketKind
from .edxml.constants import StatusCode
from .edxml.parse import PacketUnreadable
from .edxml.validate import fingerprint
from .keys import packet_key
from .models import ExchangePacket, ExchangeStatus
from .outbound import packet_queue
from .peers import peer_for_agency
from .status_packet import StatusInvalid, StatusReport, status_read, status_sign

logger = logging.getLogger(__name__)

# What a status does to the sender's delivery record (outgoing app).
DELIVERY_UPDATES = {
    StatusCode.REFUSED: DeliveryStatus.REFUSED,
    StatusCode.REGISTERED: DeliveryStatus.ACKNOWLEDGED,
}


class StatusRefused(Exception):
    """A status packet refused (message in Vietnamese); `http` is the answer."""

    def __init__(self, message: str, http: int = 400) -> None:
        super().__init__(message)
        self.http = http


def status_send(
    *,
    agency: Agency,
    document_id: str,
    sender_code: str,
    code: str,
    description: str = "",
    staff: str = "",
) -> ExchangePacket | None:
    """Report `code` for `document_id` (received by `agency`) to the peer of the
    sending organ `sender_code`: a signed status packet in the outbox, once per
    (document, agency, code). None when the sender is no registered peer."""
    peer = peer_for_agency(code=sender_code)
    if peer is None:
        logger.warning(
            "status %s of %s not sent: %s is no peer", code, document_id, sender_code
        )
        return None
    report = StatusReport(
        organ_id=agency.code,
        organ_name=agency.name,
        document_id=document_id,
        code=code,
        description=description[:1000],
        staff=staff[:200],
        timestamp=timezone.localtime().replace(tzinfo=None, microsecond=0),
    )
    keys = packet_key(agency=agency)
    content = status_sign(report, key=keys.key, certificate=keys.certificate)
    with transaction.atomic():
        packet = packet_queue(
            kind=PacketKind.STATUS,
            document_id=document_id,
            dedup_key=f"status:{code}:{agency.code}:{document_id}",
            peer=peer,
            content=content,
            agency=agency,
            status_code=code,
            sender_code=agency.code,
            recipient_codes=sender_code,
        )
        try:
            with transaction.atomic():
                ExchangeStatus.objects.get_or_create(
                    direction=Direction.OUT,
                    document_id=document_id,
                    organ_id=agency.code,
                    code=code,
                    defaults={
                        "packet": packet,
                        "description": description[:1000],
                        "at": timezone.now(),
                    },
                )
        except IntegrityError:
            pass
    return packet


def incoming_event_notify(*, document: object, event: str, reason: str = "") -> None:
    """The incoming desk's notifier for via="edxml": the matching status goes
    back to the sender (01 arrived, 02 refused, 03 registered, 04 assigned,
    05 processing, 06 done)."""
    code = EVENT_STATUS.get(event)
    document_id = getattr(document, "source_ref", "") or ""
    if code is None or not document_id:
        return
    description = reason
    if event == "registered":
        description = _("Số đến %(number)s") % {
            "number": getattr(document, "incoming_number", "") or ""
        }
    status_send(
        agency=document.agency,  # type: ignore[attr-defined]
        document_id=document_id,
        sender_code=getattr(document, "delivered_by", "") or "",
        code=code,
        description=description or "",
    )


def status_receive(data: bytes) -> ExchangeStatus:
    """Store a status a peer reported for a document we sent it.

    Refused (StatusRefused, nothing stored) when unreadable, unsigned, not
    signed with the certificate registered for the reporting organ's peer, or
    about a document we never sent to that organ. Idempotent."""
    try:
        report, certificate = status_read(
            data, max_bytes=settings.EXCHANGE_MAX_PACKET_BYTES
        )
    except (PacketUnreadable, StatusInvalid) as exc:
        raise StatusRefused(str(exc)) from exc
    peer = peer_for_agency(code=report.organ_id)
    if peer is None or fingerprint(peer.certificate()) != fingerprint(certificate):
        raise StatusRefused(
            _("Chứng thư ký gói tin không thuộc cơ quan đã đăng ký (không tin cậy)."),
            http=403,
        )
    sent = (
        ExchangePacket.objects.filter(
            direction=Direction.OUT,
            kind=PacketKind.DOCUMENT,
            document_id=report.document_id,
            recipient_codes__contains=report.organ_id,
        )
        .order_by("pk")
        .first()
    )
    if sent is None:
        raise StatusRefused(
            _("Không có văn bản %(id)s đã gửi tới %(organ)s.")
            % {"id": report.document_id, "organ": report.organ_id},
            http=404,
        )
    with transaction.atomic():
        status, created = ExchangeStatus.objects.get_or_create(
            direction=Direction.IN,
            document_id=report.document_id,
            organ_id=report.organ_id,
            code=report.code,
            defaults={
                "packet": sent,
                "description": report.description,
                "at": timezone.now(),
            },
        )
        if created and not sent.delivery_id:
            from .dossier_transfer import dossier_status_received

            dossier_status_received(
                document_id=report.document_id,
                code=report.code,
                description=report.description,
            )
        target = DELIVERY_UPDATES.get(report.code)
        if created and target and sent.delivery_id:
            OutgoingRecipient.objects.filter(pk=sent.delivery_id).update(
                status=target,
                acknowledged_at=timezone.now(),
                ack_note=report.description[:500],
            )
    return status
