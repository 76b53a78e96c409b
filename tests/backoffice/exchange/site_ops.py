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


def dossier_setup(args: dict[str, Any]) -> dict[str, Any]:
    """This side's agency handles `procedures`; its reception, specialist and
    leader (usernames `<prefix>-tn|cv|ld`)."""
    from backoffice.accounts.models import User
    from backoffice.core.constants import Role
    from backoffice.core.models import Agency
    from backoffice.core.services import membership_grant
    from backoffice.procedures.models import Procedure
    from backoffice.procedures.services import procedures_import
    from tests.fixtures.procedures import as_json, procedure

    agency = Agency.objects.get(code=args["agency"])
    for code in args["procedures"]:
        if not Procedure.objects.filter(code=code).exists():
            procedures_import(
                actor=None,
                name="p.json",
                content=as_json(
                    procedure(code=code, processing_days=10, agencies=[agency.code])
                ),
            )
    for suffix, role, name in (
        ("tn", Role.RECEPTION, "Tiếp Nhận"),
        ("cv", Role.SPECIALIST, "Chuyên Viên"),
        ("ld", Role.LEADER, "Lãnh Đạo"),
    ):
        user, created = User.objects.get_or_create(
            username=f"{args['prefix']}-{suffix}",
            defaults={"first_name": name, "last_name": args["prefix"].upper()},
        )
        if created:
            membership_grant(actor=None, user=user, agency=agency, role=role)
    return {"procedures": list(Procedure.objects.values_list("code", flat=True))}


def _staff(prefix: str, suffix: str) -> Any:
    from backoffice.accounts.models import User

    return User.objects.get(username=f"{prefix}-{suffix}")


def _dossier_view(dossier: Any) -> dict[str, Any]:
    from backoffice.dossiers.process import dossier_agency_now

    transfer = dossier.remote_transfers.order_by("pk").last()
    origin = dossier.remote_origins.first()
    active = dossier.steps.filter(state="active").first()
    return {
        "code": dossier.code,
        "status": dossier.status,
        "agency_now": dossier_agency_now(dossier=dossier).code,
        "active_step": {
            "kind": active.kind,
            "assignee": active.assignee.username if active.assignee else None,
        }
        if active
        else None,
        "transfer": {
            "state": transfer.state,
            "document_id": transfer.document_id,
            "remote_code": transfer.remote_code,
            "reason": transfer.reason,
            "result_by": transfer.result_by,
            "result_note": transfer.result_note,
            "events": [e["event"] for e in transfer.events],
        }
        if transfer
        else None,
        "origin": {"code": origin.origin_code, "returned": bool(origin.returned_at)}
        if origin
        else None,
        "files": [
            {"name": f.original_name, "sha256": f.sha256, "kind": f.kind}
            for f in dossier.files.order_by("pk")
        ],
        "events": list(dossier.events.order_by("pk").values_list("note", flat=True)),
    }


def dossier_send(args: dict[str, Any]) -> dict[str, Any]:
    """A dossier received online, accepted, assigned, then transferred by the
    leader to `to` (an agency of the other installation)."""
    from backoffice.core.models import Agency
    from backoffice.dossiers.assignment import dossier_assign
    from backoffice.dossiers.constants import Channel
    from backoffice.dossiers.handling import dossier_accept
    from backoffice.dossiers.services import Applicant, dossier_submit
    from backoffice.dossiers.transfer import dossier_transfer
    from backoffice.procedures.models import Procedure
    from tests.fixtures.dossiers import checked_upload
    from tests.fixtures.signatures import make_pdf

    procedure = Procedure.objects.get(code=args["procedure"])
    prefix = args["prefix"]
    dossier = dossier_submit(
        procedure=procedure,
        agency=Agency.objects.get(code=args["agency"]),
        channel=Channel.ONLINE,
        applicant=Applicant(name="Nguyễn Văn An", id_number="094095001234"),
        files={
            c.pk: [checked_upload(make_pdf([c.name[:40]]), name=f"tp-{i}.pdf")]
            for i, c in enumerate(procedure.components.all())
        },
    )
    dossier_accept(dossier=dossier, actor=_staff(prefix, "tn"))
    dossier_assign(
        dossier=dossier, actor=_staff(prefix, "ld"), assignee=_staff(prefix, "cv")
    )
    dossier_transfer(
        dossier=dossier,
        actor=_staff(prefix, "ld"),
        to_agency=Agency.objects.get(code=args["to"]),
        days=args["days"],
        note=args.get("note", ""),
    )
    dossier.refresh_from_db()
    return _dossier_view(dossier)


def dossier_show(args: dict[str, Any]) -> dict[str, Any]:
    """A dossier by its code here, or by its origin code (received ones)."""
    from backoffice.dossiers.models import Dossier

    if "origin_code" in args:
        dossier = Dossier.objects.filter(
            remote_origins__origin_code=args["origin_code"]
        ).first()
    else:
        dossier = Dossier.objects.filter(code=args["code"]).first()
    count = Dossier.objects.count()
    return (
        {"found": False, "dossiers": count}
        if dossier is None
        else ({"found": True, "dossiers": count} | _dossier_view(dossier))
    )


def dossier_process(args: dict[str, Any]) -> dict[str, Any]:
    """The receiving agency's leader assigns, its specialist proposes a result,
    the leader approves: the result goes back to the origin."""
    from backoffice.dossiers.approval import dossier_proposal_approve, dossier_propose
    from backoffice.dossiers.assignment import dossier_assign
    from backoffice.dossiers.models import Dossier
    from backoffice.dossiers.queues import staff_queues
    from tests.fixtures.dossiers import checked_upload
    from tests.fixtures.signatures import make_pdf

    prefix = args["prefix"]
    dossier = Dossier.objects.get(remote_origins__origin_code=args["origin_code"])
    leader = _staff(prefix, "ld")
    queued = [
        d.code
        for q in staff_queues(user=leader)
        if q.key == "to_assign"
        for d in q.dossiers
    ]
    dossier_assign(dossier=dossier, actor=leader, assignee=_staff(prefix, "cv"))
    dossier_propose(
        dossier=dossier,
        actor=_staff(prefix, "cv"),
        outcome="approve",
        note=args["note"],
        files=[checked_upload(make_pdf(["KẾT QUẢ"]), name="ket-qua-b.pdf")],
    )
    dossier_proposal_approve(dossier=dossier, actor=leader)
    dossier.refresh_from_db()
    return {"queued": dossier.code in queued} | _dossier_view(dossier)


OPS = {
    "setup": setup,
    "dossier_setup": dossier_setup,
    "dossier_send": dossier_send,
    "dossier_show": dossier_show,
    "dossier_process": dossier_process,
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
