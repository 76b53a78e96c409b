"""Receiving a document packet from a peer (SendDocument).

Accepted only when `packet_validate` says valid against the registered peers'
certificates, the signature is the certificate of the sending organ's own peer,
and the To names at least one agency of this installation. A packet delivered
twice is stored once and the second delivery answered as success; every refusal
is logged with its reason and, where the sender is a known peer, answered with
status 02.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.documents.constants import DocumentType, Urgency
from backoffice.incoming.checks import IncomingRejected
from backoffice.incoming.services import incoming_receive
from backoffice.incoming.types import ReceivedFile

from .constants import Direction, PacketKind, PacketState
from .dossier_transfer import (
    DossierPacketRefused,
    dossier_packet_receive,
    dossier_payload,
)
from .edxml.constants import BusinessType, StatusCode
from .edxml.model import Packet
from .edxml.parse import PacketUnreadable, packet_parse, packet_read
from .edxml.validate import fingerprint, packet_validate
from .models import ExchangePacket, PeerAgency
from .peers import peer_certificates, peer_for_agency

logger = logging.getLogger(__name__)

URGENCY = {0: Urgency.NORMAL, 1: Urgency.NORMAL, 2: Urgency.KHAN}
URGENCY_TOP = {3: Urgency.THUONG_KHAN, 4: Urgency.HOA_TOC}
VIA = "edxml"


@dataclass
class Outcome:
    """The answer to the sender: HTTP status and JSON body."""

    http: int
    body: dict[str, Any] = field(default_factory=dict)


def _refuse(
    *,
    reasons: list[str],
    http: int,
    sender_code: str = "",
    document_id: str = "",
    local: list[Agency] | None = None,
) -> Outcome:
    logger.warning(
        "edXML packet refused (from %r, DocumentId %r): %s",
        sender_code,
        document_id,
        " | ".join(reasons),
    )
    status_sent = False
    if sender_code and document_id and peer_for_agency(code=sender_code):
        from .statuses import status_send

        for agency in local or _first_own_agency():
            status_send(
                agency=agency,
                document_id=document_id,
                sender_code=sender_code,
                code=StatusCode.REFUSED,
                description="; ".join(reasons)[:1000],
            )
            status_sent = True
    return Outcome(
        http,
        {
            "accepted": False,
            "errors": reasons,
            "document_id": document_id,
            "status": StatusCode.REFUSED if status_sent else None,
        },
    )


def _first_own_agency() -> list[Agency]:
    found = own_agencies().order_by("pk").first()
    return [found] if found else []


def own_agencies() -> Any:
    """Active agencies of this installation (not reached through a peer)."""
    return Agency.objects.filter(is_active=True).exclude(
        code__in=PeerAgency.objects.values("code")
    )


def _metadata(packet: Packet) -> dict[str, Any]:
    h = packet.header
    number_symbol = f"{h.code_number}/{h.code_notation}".strip("/")
    document_type = next(
        (
            value
            for value, label in DocumentType.choices
            if label == h.document_type_name
        ),
        "",
    )
    return {
        "issuer_name": h.sender.organ_name,
        "issuer_code": h.sender.organ_id,
        "number_symbol": number_symbol,
        "issued_on": h.promulgation_date.isoformat(),
        "document_type": document_type,
        "subject": h.subject,
        "urgency": URGENCY_TOP.get(h.priority) or URGENCY.get(h.priority, ""),
        "signer_name": h.signer.full_name,
        "signer_position": h.signer.position,
        "page_count": h.page_amount or "",
        "deadline": h.due_date.isoformat() if h.due_date else "",
    }


def packet_receive(data: bytes) -> Outcome:
    """Check, store once and hand a document packet to the incoming desk of each
    local agency it is addressed to (or, for business type 1, record the recall
    request). Returns the answer for the sender; nothing is stored on refusal."""
    limit = settings.EXCHANGE_MAX_PACKET_BYTES
    try:
        report = packet_validate(
            data, trusted=list(peer_certificates()), max_bytes=limit
        )
    except PacketUnreadable as exc:
        return _refuse(reasons=[str(exc)], http=400)
    sender_code = str(report.header.get("from") or "")
    document_id = report.document_id
    if not report.valid:
        return _refuse(
            reasons=report.errors,
            http=400,
            sender_code=sender_code,
            document_id=document_id,
        )
    peer = peer_for_agency(code=sender_code)
    if (
        peer is None
        or report.certificate is None
        or (fingerprint(peer.certificate()) != fingerprint(report.certificate))
    ):
        return _refuse(
            reasons=[
                _(
                    "Gói tin của %(code)s không được ký bằng chứng thư đã đăng ký cho "
                    "hệ thống của cơ quan đó."
                )
                % {"code": sender_code}
            ],
            http=403,
            sender_code=sender_code,
            document_id=document_id,
        )
    local = list(own_agencies().filter(code__in=report.header["to"]).order_by("code"))
    if not local:
        return _refuse(
            reasons=[
                _("Nơi nhận (To) %(codes)s không có cơ quan nào của hệ thống này.")
                % {"codes": ", ".join(report.header["to"])}
            ],
            http=422,
            sender_code=sender_code,
            document_id=document_id,
        )
    packet = packet_read(packet_parse(data, max_bytes=limit))
    business = int(packet.business.doc_type)
    try:
        dossier = dossier_payload(packet) if business == BusinessType.NEW else None
    except DossierPacketRefused as exc:
        return _refuse(
            reasons=[str(exc)],
            http=422,
            sender_code=sender_code,
            document_id=document_id,
            local=local,
        )
    created = True
    dedup_key = (f"doc:{business}:{document_id}:{','.join(a.code for a in local)}")[
        :600
    ]
    existing = ExchangePacket.objects.filter(
        direction=Direction.IN, dedup_key=dedup_key
    ).first()
    if existing is not None:
        return _again(existing, data, document_id)
    try:
        with transaction.atomic():
            record = ExchangePacket.objects.create(
                kind=PacketKind.DOCUMENT,
                direction=Direction.IN,
                document_id=document_id,
                dedup_key=dedup_key,
                peer=peer,
                agency=local[0],
                business_type=business,
                sender_code=sender_code,
                recipient_codes=",".join(a.code for a in local),
                subject=packet.header.subject[:500],
                state=PacketState.RECEIVED,
                content=data,
            )
            if business == BusinessType.REVOKE:
                from .recall import recall_received

                for agency in local:
                    recall_received(
                        agency=agency,
                        peer=peer,
                        document_id=document_id,
                        sender_code=sender_code,
                        reason=packet.business.reason,
                    )
            elif dossier is not None:
                created = dossier_packet_receive(
                    packet=packet,
                    payload=dossier,
                    local=local,
                    peer=peer,
                    document_id=document_id,
                )
            else:
                _to_desks(packet, local, document_id, business)
    except IntegrityError:
        existing = ExchangePacket.objects.filter(
            direction=Direction.IN, dedup_key=dedup_key
        ).first()
        if existing is None:
            raise
        return _again(existing, data, document_id)
    except (IncomingRejected, RecallUnknown, DossierPacketRefused) as exc:
        return _refuse(
            reasons=[str(exc)],
            http=422,
            sender_code=sender_code,
            document_id=document_id,
            local=local,
        )
    return Outcome(
        200,
        {
            "accepted": True,
            "duplicate": not created,
            "document_id": document_id,
            "agencies": [a.code for a in local],
            "id": record.pk,
        },
    )


class RecallUnknown(Exception):
    """A recall for a document this installation never received."""


def _again(existing: ExchangePacket, data: bytes, document_id: str) -> Outcome:
    """A second delivery: the same bytes are a success; other bytes under a
    DocumentId already received are a replay and refused."""
    import hashlib

    if hashlib.sha256(data).hexdigest() == existing.sha256:
        return Outcome(
            200,
            {
                "accepted": True,
                "duplicate": True,
                "document_id": document_id,
                "id": existing.pk,
            },
        )
    return _refuse(
        reasons=[
            _(
                "Văn bản %(id)s đã được nhận trước đó với nội dung khác: gói tin gửi "
                "lại không được chấp nhận."
            )
            % {"id": document_id}
        ],
        http=409,
    )


def _to_desks(
    packet: Packet, local: list[Agency], document_id: str, business: int
) -> None:
    files = [ReceivedFile(a.name, a.content) for a in packet.attachments]
    if not files:
        raise IncomingRejected(_("Gói tin không có tệp văn bản."))
    source_ref = (
        document_id if business == BusinessType.NEW else (f"{document_id}#{business}")
    )
    metadata = _metadata(packet)
    for agency in local:
        incoming_receive(
            agency=agency,
            main=files[0],
            attachments=files[1:],
            via=VIA,
            sender=packet.header.sender.organ_name or packet.header.sender.organ_id,
            delivered_by=packet.header.sender.organ_id,
            metadata=metadata,
            source_ref=source_ref,
        )
