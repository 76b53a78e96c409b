"""Sending: the packet of a released outgoing document, the outbox of packets
(document and status), one attempt per task, backoff, failure and retry by hand.

A packet is stored (its exact bytes, SHA-256) before anything is sent; a task
tries it once; a failed try waits EXCHANGE_RETRY_BASE_SECONDS × 2^(attempt−1)
(capped at EXCHANGE_RETRY_MAX_SECONDS) and the sweep (`exchange_send_due`, run by
beat) tries it again; after EXCHANGE_MAX_ATTEMPTS it is "failed" with its last
error, visible to the administrator, and can be sent again by hand.
"""

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.services import audit_record
from backoffice.documents.constants import Urgency
from backoffice.outgoing.constants import DeliveryStatus, OutgoingStatus
from backoffice.outgoing.dispatch import DeliveryRefused, signed_files
from backoffice.outgoing.models import OutgoingDocument, OutgoingRecipient

from .constants import Direction, PacketKind, PacketState
from .edxml.build import packet_tree
from .edxml.constants import BusinessType, StatusCode
from .edxml.model import (
    Attachment,
    Business,
    Header,
    Organ,
    Packet,
    Signer,
    Staff,
    Trace,
)
from .edxml.sign import packet_sign
from .keys import packet_key
from .models import ExchangePacket, Peer
from .peers import peer_for_agency
from .transport import PACKETS_PATH, STATUS_PATH, TransportError, post_packet

logger = logging.getLogger(__name__)

PRIORITY = {
    Urgency.NORMAL: 0,
    Urgency.KHAN: 2,
    Urgency.THUONG_KHAN: 3,
    Urgency.HOA_TOC: 4,
}


class ExchangeRejected(Exception):
    """A clear refusal (Vietnamese) of an exchange action; nothing changed."""


def organ_of(agency: Agency) -> Organ:
    return Organ(
        organ_id=agency.code,
        organ_name=agency.name,
        organ_add=agency.address,
        email=agency.email,
        telephone=agency.phone,
    )


def outgoing_packet(
    *,
    document: OutgoingDocument,
    recipients: Sequence[Organ],
    business: Business | None = None,
    with_files: bool = True,
    now: dt.datetime | None = None,
) -> bytes:
    """The signed edXML packet of a released outgoing document (main file and
    attachments as signed at release), addressed to `recipients`."""
    if document.status != OutgoingStatus.RELEASED or not document.number_symbol:
        raise ExchangeRejected(
            _("Văn bản đi #%(id)s chưa được phát hành, chưa lập gói tin được.")
            % {"id": document.pk}
        )
    if not recipients:
        raise ExchangeRejected(
            _("Văn bản đi #%(id)s không có cơ quan nhận để lập gói tin.")
            % {"id": document.pk}
        )
    number, _sep, notation = document.number_symbol.partition("/")
    released = timezone.localtime(document.released_at)
    files = signed_files(document) if with_files else []
    attachments = []
    for position, record in enumerate(files):
        with record.file.open("rb") as handle:
            content = handle.read()
        attachments.append(
            Attachment(
                content_id="main" if position == 0 else f"att{position}",
                name=record.original_name,
                content=content,
                content_type="application/pdf",
                description=record.get_role_display(),
            )
        )
    staff = document.released_by
    packet = Packet(
        header=Header(
            sender=organ_of(document.agency),
            recipients=tuple(recipients),
            code_number=number or str(document.number or ""),
            code_notation=notation or document.number_symbol,
            promulgation_place=document.agency.address or document.agency.name,
            promulgation_date=released.date(),
            document_type=1 if document.is_legal else 2,
            document_type_name=document.get_document_type_display(),
            subject=document.subject,
            signer=Signer(
                position=document.signer_position, full_name=document.signer_name
            ),
            due_date=document.deadline,
            priority=PRIORITY.get(document.urgency, 0),
            promulgation_amount=document.copies or 1,
            page_amount=document.pages or 1,
        ),
        attachments=tuple(attachments),
        business=business
        or Business(
            staff=Staff(
                department=document.drafting_unit,
                staff=staff.get_full_name() if staff else "",
                email=getattr(staff, "email", "") if staff else "",
            )
        ),
        traces=(
            Trace(
                organ_id=document.agency.code,
                timestamp=timezone.localtime(now or timezone.now()).replace(
                    tzinfo=None, microsecond=0
                ),
            ),
        ),
    )
    keys = packet_key(agency=document.agency)
    return packet_sign(packet_tree(packet), key=keys.key, certificate=keys.certificate)


def document_id_of(document: OutgoingDocument) -> str:
    number, _sep, notation = document.number_symbol.partition("/")
    released = timezone.localtime(document.released_at)
    return (
        f"{document.agency.code},{released:%Y/%m/%d},"
        f"{number or document.number}/{notation or document.number_symbol}"
    )


def packet_queue(
    *,
    kind: str,
    document_id: str,
    dedup_key: str,
    peer: Peer,
    content: bytes,
    agency: Agency | None = None,
    delivery: OutgoingRecipient | None = None,
    business_type: int = 0,
    status_code: str = "",
    sender_code: str = "",
    recipient_codes: str = "",
    subject: str = "",
) -> ExchangePacket:
    """Store an outgoing packet and queue its first try on commit. Idempotent on
    `dedup_key`: the packet already stored is returned (and not sent twice)."""
    existing = ExchangePacket.objects.filter(
        direction=Direction.OUT, dedup_key=dedup_key
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            packet = ExchangePacket.objects.create(
                kind=kind,
                direction=Direction.OUT,
                document_id=document_id,
                dedup_key=dedup_key,
                peer=peer,
                agency=agency,
                delivery=delivery,
                business_type=business_type,
                status_code=status_code,
                sender_code=sender_code,
                recipient_codes=recipient_codes[:600],
                subject=subject[:500],
                state=PacketState.QUEUED,
                content=content,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return ExchangePacket.objects.get(direction=Direction.OUT, dedup_key=dedup_key)
    from .tasks import send_exchange_packet

    send_exchange_packet.delay_on_commit(packet.pk)
    return packet


def edxml_dispatch(delivery: OutgoingRecipient) -> str:
    """The outgoing app's "edxml" adapter: the packet for this recipient, stored
    and queued in the exchange outbox; returns the DocumentId."""
    agency = delivery.agency
    if agency is None:
        raise DeliveryRefused(_("Nơi nhận liên thông phải là một cơ quan."))
    peer = peer_for_agency(code=agency.code)
    if peer is None:
        raise DeliveryRefused(
            _("Cơ quan %(code)s không thuộc hệ thống liên thông nào đã đăng ký.")
            % {"code": agency.code}
        )
    document = delivery.document
    from .keys import KeyUnavailable

    try:
        content = outgoing_packet(document=document, recipients=[organ_of(agency)])
    except (ExchangeRejected, KeyUnavailable) as exc:
        raise DeliveryRefused(str(exc)) from exc
    document_id = document_id_of(document)
    packet_queue(
        kind=PacketKind.DOCUMENT,
        document_id=document_id,
        dedup_key=f"doc:{BusinessType.NEW}:{delivery.pk}",
        peer=peer,
        content=content,
        agency=document.agency,
        delivery=delivery,
        sender_code=document.agency.code,
        recipient_codes=agency.code,
        subject=document.subject,
    )
    return document_id


def _backoff(attempts: int) -> dt.timedelta:
    seconds = settings.EXCHANGE_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.EXCHANGE_RETRY_MAX_SECONDS))


def packet_send(*, packet_id: int) -> str:
    """One try to deliver an outgoing packet to its peer; returns its state.
    Idempotent: a packet already sent (or failed for good) is left alone."""
    with transaction.atomic():
        # Lock the packet row only (PostgreSQL refuses FOR UPDATE on the
        # nullable side of the join to the peer).
        packet = (
            ExchangePacket.objects.select_for_update(of=("self",))
            .select_related("peer")
            .get(pk=packet_id)
        )
        if packet.direction != Direction.OUT or packet.state != PacketState.QUEUED:
            return packet.state
        packet.attempts += 1
        # Claimed for this try: the sweep will not pick it up meanwhile.
        packet.next_attempt_at = timezone.now() + _backoff(packet.attempts)
        packet.save(update_fields=["attempts", "next_attempt_at"])
    path = PACKETS_PATH if packet.kind == PacketKind.DOCUMENT else STATUS_PATH
    error, refused = "", False
    try:
        answer = post_packet(
            base_url=packet.peer.base_url, path=path, data=bytes(packet.content)
        )
    except TransportError as exc:
        error = _("Không gửi được tới %(peer)s: %(error)s") % {
            "peer": packet.peer.name,
            "error": exc,
        }
    else:
        if not answer.accepted:
            refused = True
            reasons = answer.body.get("errors") or [f"HTTP {answer.status}"]
            error = _("%(peer)s từ chối gói tin: %(reasons)s") % {
                "peer": packet.peer.name,
                "reasons": "; ".join(str(r) for r in reasons)[:1800],
            }
    return _record_try(packet_id=packet.pk, error=error, refused=refused)


def _record_try(*, packet_id: int, error: str, refused: bool) -> str:
    with transaction.atomic():
        packet = ExchangePacket.objects.select_for_update().get(pk=packet_id)
        if not error:
            packet.state, packet.sent_at = PacketState.SENT, timezone.now()
            packet.last_error, packet.next_attempt_at = "", None
        else:
            packet.last_error = error[:2000]
            if refused or packet.attempts >= settings.EXCHANGE_MAX_ATTEMPTS:
                packet.state, packet.next_attempt_at = PacketState.FAILED, None
            logger.warning("exchange packet #%s: %s", packet.pk, error)
        packet.save()
        if packet.delivery_id and packet.state == PacketState.FAILED:
            OutgoingRecipient.objects.filter(pk=packet.delivery_id).update(
                status=DeliveryStatus.FAILED, last_error=packet.last_error
            )
    if refused and packet.kind == PacketKind.DOCUMENT and not packet.delivery_id:
        # A dossier sent to another installation and refused there comes back.
        from .dossier_transfer import dossier_status_received

        dossier_status_received(
            document_id=packet.document_id,
            code=StatusCode.REFUSED,
            description=error,
        )
    return packet.state


def packets_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Ids of queued outgoing packets whose next try is due (the sweep)."""
    return list(
        ExchangePacket.objects.filter(
            direction=Direction.OUT,
            state=PacketState.QUEUED,
            next_attempt_at__lte=now or timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def packet_retry(
    *, packet: ExchangePacket, actor: AbstractBaseUser | None
) -> ExchangePacket:
    """Gửi lại: queue a failed outgoing packet again (audited)."""
    with transaction.atomic():
        row = ExchangePacket.objects.select_for_update().get(pk=packet.pk)
        if row.direction != Direction.OUT or row.state != PacketState.FAILED:
            raise ExchangeRejected(_("Chỉ gửi lại được gói tin gửi đi bị lỗi."))
        before = {"state": row.state, "attempts": row.attempts}
        row.state, row.attempts = PacketState.QUEUED, 0
        row.next_attempt_at = timezone.now()
        row.save()
        if row.delivery_id:
            OutgoingRecipient.objects.filter(pk=row.delivery_id).update(
                status=DeliveryStatus.SENT, last_error=""
            )
        audit_record(
            actor=actor,
            action="exchangepacket.retried",
            obj=row,
            before=before,
            after={"state": row.state},
            agency=row.agency,
            note=row.last_error[:500],
        )
        from .tasks import send_exchange_packet

        send_exchange_packet.delay_on_commit(row.pk)
    return row
