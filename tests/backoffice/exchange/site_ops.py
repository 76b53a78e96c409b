"""Operations run inside one live installation (its own settings, database and
media), as `python -m tests.backoffice.exchange.site_ops OP JSON`: prints one
JSON object. The two-installation tests drive each side only through these real
services and through HTTP — never a mock of the other side."""

import hashlib
import json
import sys
from typing import Any


def setup(args: dict[str, Any]) -> dict[str, Any]:
    from backoffice.core.models import Agency
    from backoffice.exchange.models import Peer, PeerAgency

    own = Agency.objects.update_or_create(
        code=args["own_code"],
        defaults={"name": args["own_name"], "address": args["place"]},
    )[0]
    peer, _created = Peer.objects.update_or_create(
        name=args["peer_name"],
        defaults={"base_url": args["peer_url"], "certificate_pem": args["peer_pem"]},
    )
    from backoffice.accounts.models import User

    User.objects.get_or_create(
        username="vanthu-lienthong", defaults={"first_name": "Văn thư"}
    )
    for code, name in args["peer_agencies"]:
        # The remote agency is known here (it can be chosen as a recipient) and
        # reached through the peer.
        Agency.objects.update_or_create(code=code, defaults={"name": name})
        PeerAgency.objects.update_or_create(
            code=code, defaults={"peer": peer, "name": name}
        )
    return {"agency": own.pk, "peer": peer.pk}


def send(args: dict[str, Any]) -> dict[str, Any]:
    """A released outgoing document with an edXML recipient, dispatched through
    the outgoing app's dispatch (which calls the exchange adapter)."""
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from backoffice.accounts.models import User
    from backoffice.core.models import Agency
    from backoffice.documents.constants import DocumentType
    from backoffice.outgoing.constants import (
        Channel,
        FileKind,
        FileRole,
        OutgoingStatus,
    )
    from backoffice.outgoing.dispatch import dispatch_queue
    from backoffice.outgoing.models import (
        OutgoingDocument,
        OutgoingFile,
        OutgoingRecipient,
    )
    from tests.fixtures.signatures import make_pdf

    agency = Agency.objects.get(code=args["from"])
    target = Agency.objects.get(code=args["to"])
    with transaction.atomic():
        document = OutgoingDocument.objects.create(
            agency=agency,
            status=OutgoingStatus.RELEASED,
            document_type=DocumentType.CONG_VAN,
            subject=args["subject"],
            issuer_symbol="UBND",
            drafting_unit_symbol="VP",
            number=args["number"],
            year=timezone.localdate().year,
            number_symbol=f"{args['number']}/UBND-VP",
            released_at=timezone.now(),
            signer_name="Trần Văn Bình",
            signer_position="Chủ tịch",
            pages=1,
            created_by=User.objects.get(username="vanthu-lienthong"),
        )
        for position, (role, name, lines) in enumerate(
            [
                (FileRole.MAIN, "cong-van.pdf", ["CÔNG VĂN", args["subject"]]),
                (FileRole.ATTACHMENT, "phu-luc.pdf", ["PHỤ LỤC", "Danh sách"]),
            ]
        ):
            content = make_pdf(lines)
            sha256 = hashlib.sha256(content).hexdigest()
            record = OutgoingFile(
                document=document,
                role=role,
                kind=FileKind.SIGNED,
                version=1,
                position=position,
                original_name=name,
                size=len(content),
                sha256=sha256,
                pages=1,
            )
            record.file.save(name, ContentFile(content), save=False)
            record.save()
        delivery = OutgoingRecipient.objects.create(
            document=document, agency=target, name=target.name, channel=Channel.EDXML
        )
        dispatch_queue(document=document, deliveries=[delivery])
    return {"outgoing": document.pk, "delivery": delivery.pk} | state(
        {"outgoing": document.pk}
    )


def state(args: dict[str, Any]) -> dict[str, Any]:
    """The sender's view: its packets, the statuses back, the delivery."""
    from backoffice.exchange.models import ExchangePacket, ExchangeStatus
    from backoffice.outgoing.models import OutgoingRecipient

    delivery = OutgoingRecipient.objects.filter(document_id=args["outgoing"]).first()
    packets = list(
        ExchangePacket.objects.filter(delivery=delivery)
        .order_by("pk")
        .values("pk", "document_id", "business_type", "state", "attempts", "last_error")
    )
    document_id = packets[0]["document_id"] if packets else ""
    return {
        "document_id": document_id,
        "packets": packets,
        "statuses": list(
            ExchangeStatus.objects.filter(direction="in", document_id=document_id)
            .order_by("at", "pk")
            .values_list("code", flat=True)
        ),
        "delivery": {
            "status": delivery.status,
            "last_error": delivery.last_error,
            "ack_note": delivery.ack_note,
        }
        if delivery
        else None,
    }


def desk(args: dict[str, Any]) -> dict[str, Any]:
    """The receiver's incoming desk: documents that came by edXML, and recalls."""
    from backoffice.exchange.models import ExchangePacket, ExchangeRecall
    from backoffice.incoming.models import IncomingDocument

    return {
        "documents": [
            {
                "id": d.pk,
                "source_ref": d.source_ref,
                "status": d.status,
                "number_symbol": d.number_symbol,
                "subject": d.subject,
                "issuer_code": d.issuer_code,
                "files": [f.original_name for f in d.files.order_by("position")],
                "verdict": d.verdict,
                "recalled": d.recalled_at is not None,
            }
            for d in IncomingDocument.objects.filter(via="edxml").order_by("pk")
        ],
        "packets_in": ExchangePacket.objects.filter(direction="in").count(),
        "recalls": list(
            ExchangeRecall.objects.values("pk", "document_id", "state", "incoming_id")
        ),
    }


def register(args: dict[str, Any]) -> dict[str, Any]:
    from backoffice.incoming.models import IncomingDocument
    from backoffice.incoming.services import incoming_check, incoming_register

    document = IncomingDocument.objects.get(pk=args["id"])
    if not document.verdict:
        incoming_check(document_id=document.pk)
        document.refresh_from_db()
    registered = incoming_register(
        document=document, actor=None, override_reason="kiểm thử liên thông"
    )
    return {"status": registered.status, "number": registered.incoming_number}


def recall(args: dict[str, Any]) -> dict[str, Any]:
    from backoffice.exchange.recall import recall_request
    from backoffice.outgoing.models import OutgoingDocument

    document = OutgoingDocument.objects.get(pk=args["outgoing"])
    packets = recall_request(document=document, reason=args["reason"], actor=None)
    return {"packets": [p.pk for p in packets]}


def decide(args: dict[str, Any]) -> dict[str, Any]:
    from backoffice.exchange.models import ExchangeRecall
    from backoffice.exchange.recall import recall_decide

    row = ExchangeRecall.objects.get(document_id=args["document_id"])
    decided = recall_decide(
        recall=row, agree=args["agree"], note=args.get("note", ""), actor=None
    )
    return {"state": decided.state}


OPS = {
    "setup": setup,
    "send": send,
    "state": state,
    "desk": desk,
    "register": register,
    "recall": recall,
    "decide": decide,
}


def main() -> None:
    import django

    django.setup()
    op, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    result = OPS[op](json.loads(raw))
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
