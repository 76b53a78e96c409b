"""Dossier transfer between installations over edXML (hồ sơ liên thông): the
exchange's implementation of dossiers' `RemoteTransferChannel`.

A dossier packet is an ordinary signed edXML packet (business type 0, the
outbox's retries and backoff, the receiver's signature and peer checks) that
is recognised by its first attachment, ContentId `hoso-lienthong`, named
`ho-so-lien-thong.json` (application/json) and covered by the manifest's
SHA-256 and the signature like every attachment:

    {"format": "motcua.dossier-transfer", "version": 1,
     "kind": "transfer" | "result",
     "dossier": {...} (transfer: code, procedure_code, procedure_name,
                 received_at, due_at, applicant{…}, days, note, step_due_at)
     "result": {...} (result: code, origin_code, outcome, note, decided_by,
                 proposed_by, decided_at, status)
     "files": [{"content_id", "name", "sha256", "media_type", "component"}]}

The other attachments are the dossier's files, byte for byte. The header says
the same for people: CodeNumber the dossier code, CodeNotation `HSLT-<n>`
(a result `HSLT-KQ-<n>`), TypeName "Hồ sơ liên thông", TyperNotation
`motcua-hslt/1`; a result answers the transfer in ResponseFor. Status packets
(01 arrived, 03 registered with the receiver's dossier code, 05 processing,
06 done, 02 refused with the reason) travel as for documents.
"""

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.dossiers.models import DossierFile
from backoffice.dossiers.processing_models import (
    DossierRemoteOrigin,
    DossierRemoteTransfer,
)
from backoffice.dossiers.remote_transfer import (
    RemoteFile,
    RemoteTransferRefused,
    remote_dossier_receive,
    remote_origin_returned,
    remote_result,
    remote_transfer_payload,
    remote_transfer_take_back,
)

from .constants import PacketKind
from .edxml.build import packet_tree
from .edxml.constants import StatusCode
from .edxml.model import (
    Attachment,
    Business,
    Header,
    Organ,
    Packet,
    ResponseFor,
    Staff,
    Trace,
)
from .edxml.sign import packet_sign
from .keys import KeyUnavailable, PacketKey, packet_key
from .models import ExchangePacket, Peer, PeerAgency
from .outbound import organ_of, packet_queue
from .peers import peer_for_agency

logger = logging.getLogger(__name__)

MARKER_ID = "hoso-lienthong"
MARKER_NAME = "ho-so-lien-thong.json"
FORMAT = "motcua.dossier-transfer"
TYPER_NOTATION = "motcua-hslt/1"
TYPE_NAME = "Hồ sơ liên thông"  # a wire value, not translated
# dossiers' progress events ↔ status codes (DOMAIN.md).
PROGRESS_STATUS = {
    "arrived": StatusCode.ARRIVED,
    "refused": StatusCode.REFUSED,
    "registered": StatusCode.REGISTERED,
    "assigned": StatusCode.ASSIGNED,
    "processing": StatusCode.PROCESSING,
    "done": StatusCode.DONE,
}
STATUS_EVENT = {code: event for event, code in PROGRESS_STATUS.items()}


class DossierPacketRefused(Exception):
    """A dossier packet this installation does not take (Vietnamese reason)."""


@dataclass(frozen=True)
class DossierPayload:
    data: dict[str, Any]
    files: list[RemoteFile]


def _today_id(agency_code: str, number: str, notation: str) -> str:
    return f"{agency_code},{timezone.localdate():%Y/%m/%d},{number}/{notation}"


def dossier_packet(
    *,
    sender: Agency,
    recipient: Organ,
    number: str,
    notation: str,
    subject: str,
    document_id: str,
    payload: dict[str, Any],
    files: Sequence[RemoteFile],
    response_for: tuple[ResponseFor, ...] = (),
    keys: PacketKey | None = None,
) -> bytes:
    """The signed edXML packet carrying `payload` (JSON) and `files`, signed
    with `keys` or else the sending agency's packet key."""
    listed = []
    attachments = []
    for position, item in enumerate(files, start=1):
        content_id = f"f{position}"
        listed.append(
            {
                "content_id": content_id,
                "name": item.name,
                "sha256": hashlib.sha256(item.content).hexdigest(),
                "media_type": item.media_type,
                "component": item.component,
            }
        )
        attachments.append(
            Attachment(
                content_id=content_id,
                name=item.name,
                content=item.content,
                content_type=item.media_type or "application/octet-stream",
            )
        )
    manifest = json.dumps(
        {"format": FORMAT, "version": 1, **payload, "files": listed},
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    now = timezone.localtime()
    packet = Packet(
        header=Header(
            sender=organ_of(sender),
            recipients=(recipient,),
            code_number=number,
            code_notation=notation,
            promulgation_place=sender.address or sender.name,
            promulgation_date=now.date(),
            document_type=2,
            document_type_name=TYPE_NAME,
            subject=subject[:500],
            typer_notation=TYPER_NOTATION,
            page_amount=1,
            response_for=response_for,
            document_id=document_id,
        ),
        attachments=(
            Attachment(
                content_id=MARKER_ID,
                name=MARKER_NAME,
                content=manifest,
                content_type="application/json",
                description=TYPE_NAME,
            ),
            *attachments,
        ),
        business=Business(staff=Staff(department=sender.name)),
        traces=(
            Trace(
                organ_id=sender.code,
                timestamp=now.replace(tzinfo=None, microsecond=0),
            ),
        ),
    )
    try:
        keys = keys or packet_key(agency=sender)
    except KeyUnavailable as exc:
        raise RemoteTransferRefused(str(exc)) from exc
    return packet_sign(packet_tree(packet), key=keys.key, certificate=keys.certificate)


def _read(record: DossierFile) -> RemoteFile:
    with record.file.open("rb") as handle:
        content = handle.read()
    return RemoteFile(
        name=record.original_name,
        content=content,
        media_type=record.media_type,
        component=record.component.name if record.component_id else "",
    )


class EdxmlTransferChannel:
    """dossiers.remote_transfer's channel over the exchange's peers."""

    def reaches(self, agency: Agency) -> bool:
        return PeerAgency.objects.filter(code=agency.code).exists()

    def unavailable_reason(self, agency: Agency) -> str:
        if peer_for_agency(code=agency.code) is not None:
            return ""
        return _(
            "Hệ thống liên thông của %(agency)s đang ngừng kết nối; chưa chuyển hồ "
            "sơ đến cơ quan này được."
        ) % {"agency": agency.name}

    def system_name(self, agency: Agency) -> str:
        found = (
            PeerAgency.objects.select_related("peer").filter(code=agency.code).first()
        )
        return found.peer.name if found else ""

    def remote_agencies(self) -> list[Agency]:
        systems = dict(
            PeerAgency.objects.filter(peer__is_active=True).values_list(
                "code", "peer__name"
            )
        )
        agencies = list(
            Agency.objects.filter(code__in=systems, is_active=True).order_by("name")
        )
        for agency in agencies:
            agency.remote_system = systems[agency.code]
        return agencies

    def transfer_send(
        self, *, transfer: DossierRemoteTransfer, files: Sequence[DossierFile]
    ) -> str:
        step = transfer.step
        origin = transfer.dossier.agency
        peer = peer_for_agency(code=step.agency.code)
        if peer is None:
            raise RemoteTransferRefused(self.unavailable_reason(step.agency))
        data = remote_transfer_payload(transfer=transfer)
        notation = f"HSLT-{transfer.pk}"
        document_id = _today_id(origin.code, transfer.dossier.code, notation)
        subject = _("Hồ sơ liên thông %(code)s — thủ tục %(procedure)s %(name)s") % {
            "code": transfer.dossier.code,
            "procedure": data["procedure_code"],
            "name": data["procedure_name"],
        }
        content = dossier_packet(
            sender=origin,
            recipient=Organ(organ_id=step.agency.code, organ_name=step.agency.name),
            number=transfer.dossier.code,
            notation=notation,
            subject=subject,
            document_id=document_id,
            payload={"kind": "transfer", "dossier": data},
            files=[_read(record) for record in files],
        )
        packet_queue(
            kind=PacketKind.DOCUMENT,
            document_id=document_id,
            dedup_key=f"dossier:{document_id}",
            peer=peer,
            content=content,
            agency=origin,
            sender_code=origin.code,
            recipient_codes=step.agency.code,
            subject=subject,
        )
        return document_id

    def progress_send(
        self, *, origin: DossierRemoteOrigin, event: str, description: str = ""
    ) -> None:
        from .statuses import status_send

        code = PROGRESS_STATUS.get(event)
        if code is None:
            return
        status_send(
            agency=origin.dossier.agency,
            document_id=origin.document_id,
            sender_code=origin.origin_agency_code,
            code=code,
            description=description,
        )

    def result_send(self, *, origin_id: int) -> None:
        from .tasks import send_dossier_result

        send_dossier_result.delay_on_commit(origin_id)


def dossier_result_send(*, origin_id: int) -> ExchangePacket | None:
    """Status 06 and the result packet of a received dossier back to its
    origin. Idempotent (one packet per received dossier)."""
    origin = (
        DossierRemoteOrigin.objects.select_related("dossier__agency")
        .filter(pk=origin_id)
        .first()
    )
    if origin is None:
        return None
    peer = peer_for_agency(code=origin.origin_agency_code)
    if peer is None:
        logger.warning(
            "result of %s not sent: %s is no active peer",
            origin.document_id,
            origin.origin_agency_code,
        )
        return None
    dossier = origin.dossier
    result, records = remote_result(origin=origin)
    notation = f"HSLT-KQ-{origin.pk}"
    document_id = _today_id(dossier.agency.code, dossier.code, notation)
    subject = _("Kết quả xử lý hồ sơ liên thông %(code)s") % {
        "code": origin.origin_code
    }
    content = dossier_packet(
        sender=dossier.agency,
        recipient=Organ(
            organ_id=origin.origin_agency_code, organ_name=origin.origin_agency_name
        ),
        number=dossier.code,
        notation=notation,
        subject=subject,
        document_id=document_id,
        payload={
            "kind": "result",
            "response_for": origin.document_id,
            "result": result,
        },
        files=[_read(record) for record in records],
        response_for=(
            ResponseFor(
                organ_id=origin.origin_agency_code,
                code=origin.origin_code,
                promulgation_date=timezone.localtime(origin.received_at).date(),
                document_id=origin.document_id,
            ),
        ),
    )
    with transaction.atomic():
        EdxmlTransferChannel().progress_send(
            origin=origin, event="done", description=str(result.get("note", ""))
        )
        packet = packet_queue(
            kind=PacketKind.DOCUMENT,
            document_id=document_id,
            dedup_key=f"dossier-result:{origin.document_id}",
            peer=peer,
            content=content,
            agency=dossier.agency,
            sender_code=dossier.agency.code,
            recipient_codes=origin.origin_agency_code,
            subject=subject,
        )
        remote_origin_returned(origin=origin)
    return packet


def dossier_payload(packet: Packet) -> DossierPayload | None:
    """The dossier transfer a packet carries (None for other packets).
    Raises DossierPacketRefused when the marker is there but unreadable."""
    marker = next((a for a in packet.attachments if a.content_id == MARKER_ID), None)
    if marker is None:
        return None
    try:
        data = json.loads(marker.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DossierPacketRefused(
            _("Dữ liệu hồ sơ liên thông không đọc được.")
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DossierPacketRefused(_("Dữ liệu hồ sơ liên thông không đọc được."))
    by_id = {a.content_id: a for a in packet.attachments}
    files = []
    for item in data.get("files") or []:
        attachment = by_id.get(str(item.get("content_id")))
        if attachment is None or (
            hashlib.sha256(attachment.content).hexdigest() != item.get("sha256")
        ):
            raise DossierPacketRefused(
                _("Tệp “%(name)s” của hồ sơ liên thông thiếu hoặc đã bị thay đổi.")
                % {"name": str(item.get("name"))[:200]}
            )
        files.append(
            RemoteFile(
                name=str(item.get("name") or attachment.name)[:255],
                content=attachment.content,
                media_type=str(item.get("media_type") or attachment.content_type),
                component=str(item.get("component") or ""),
            )
        )
    return DossierPayload(data=data, files=files)


def dossier_packet_receive(
    *,
    packet: Packet,
    payload: DossierPayload,
    local: list[Agency],
    peer: Peer,
    document_id: str,
) -> bool:
    """Hand a dossier packet to dossiers: a transfer creates the local dossier,
    a result goes back to the dossier it answers. False for a duplicate.
    Raises DossierPacketRefused (nothing kept; the sender gets status 02)."""
    sender = packet.header.sender
    kind = payload.data.get("kind")
    try:
        if kind == "transfer":
            if len(local) != 1:
                raise DossierPacketRefused(
                    _("Hồ sơ liên thông phải gửi đến đúng một cơ quan.")
                )
            _dossier, created = remote_dossier_receive(
                agency=local[0],
                peer_id=peer.pk,
                system=peer.name,
                origin_agency=(sender.organ_id, sender.organ_name),
                document_id=document_id,
                data=payload.data.get("dossier") or {},
                files=payload.files,
            )
            return created
        if kind == "result":
            _transfer, created = remote_transfer_take_back(
                document_id=str(payload.data.get("response_for") or ""),
                sender_code=sender.organ_id,
                result=payload.data.get("result") or {},
                files=payload.files,
            )
            return created
    except RemoteTransferRefused as exc:
        raise DossierPacketRefused(str(exc)) from exc
    raise DossierPacketRefused(
        _("Loại gói tin hồ sơ liên thông “%(kind)s” không hợp lệ.")
        % {"kind": str(kind)[:40]}
    )


def dossier_status_received(*, document_id: str, code: str, description: str) -> None:
    """A status from the other installation about a dossier sent there."""
    from backoffice.dossiers.remote_transfer import remote_transfer_status

    event = STATUS_EVENT.get(code)
    if event is not None:
        remote_transfer_status(
            document_id=document_id, event=event, description=description
        )
