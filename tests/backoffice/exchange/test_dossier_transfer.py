"""Dossier transfer over edXML in one installation, each side in turn: the
signed packet that leaves (files byte-identical with their SHA-256, the
dossier's data, the marker), the statuses and the result that come back, and
on the receiving side the local dossier, duplicates, refusals (status 02,
nothing created) and the result sent back after the leader's approval. The
other side is a peer whose key the test holds (the live two-installation run
is test_live_dossier_transfer.py)."""

import hashlib
import socket

from django.core.exceptions import ValidationError

import pytest
from cryptography.hazmat.primitives import serialization

from backoffice.core.models import Agency, AuditLogEntry
from backoffice.dossiers.approval import dossier_proposal_approve, dossier_propose
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.models import Dossier, DossierFile, DossierStep
from backoffice.dossiers.process import dossier_agency_now
from backoffice.dossiers.processing_models import (
    DossierRemoteOrigin,
    DossierRemoteTransfer,
)
from backoffice.dossiers.remote_transfer import RemoteFile
from backoffice.dossiers.transfer import dossier_transfer
from backoffice.exchange.constants import Direction, PacketKind
from backoffice.exchange.dossier_transfer import (
    MARKER_ID,
    TYPER_NOTATION,
    dossier_packet,
    dossier_payload,
)
from backoffice.exchange.edxml.model import Organ
from backoffice.exchange.edxml.parse import packet_parse, packet_read
from backoffice.exchange.edxml.validate import packet_validate
from backoffice.exchange.inbound import packet_receive
from backoffice.exchange.keys import PacketKey, packet_key
from backoffice.exchange.models import ExchangePacket, ExchangeStatus, Peer, PeerAgency
from backoffice.exchange.status_packet import StatusReport, status_sign
from backoffice.exchange.statuses import status_receive
from tests.fixtures.dossiers import checked_upload
from tests.fixtures.signatures import make_pdf

pytestmark = pytest.mark.django_db

REMOTE = "000.00.00.H60"
FORM_PDF = make_pdf(["TỜ KHAI"])


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def other(db, sender_keys) -> Agency:
    """An agency of another installation (Cần Thơ), reached through its peer,
    whose packet key is `sender_keys`."""
    peer = Peer.objects.create(
        name="Hệ thống Cần Thơ",
        base_url=f"http://127.0.0.1:{closed_port()}",
        certificate_pem=sender_keys[1]
        .public_bytes(serialization.Encoding.PEM)
        .decode(),
    )
    PeerAgency.objects.create(peer=peer, code=REMOTE, name="UBND TP Cần Thơ")
    return Agency.objects.create(code=REMOTE, name="UBND TP Cần Thơ")


@pytest.fixture
def assigned(accepted, desk):
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    return accepted


def _keys(sender_keys) -> PacketKey:
    return PacketKey(key=sender_keys[0], certificate=sender_keys[1])


def _status(sender_keys, document_id: str, code: str, description: str = ""):
    import datetime as dt

    report = StatusReport(
        organ_id=REMOTE,
        document_id=document_id,
        code=code,
        description=description,
        timestamp=dt.datetime(2026, 12, 1, 9, 0, 0),
    )
    return status_receive(
        status_sign(report, key=sender_keys[0], certificate=sender_keys[1])
    )


def _outbox(kind=PacketKind.DOCUMENT):
    return ExchangePacket.objects.filter(direction=Direction.OUT, kind=kind)


def test_a_transfer_leaves_as_a_signed_packet_and_the_result_comes_back(
    assigned, desk, other, agency_tree, agency_pki, sender_keys
) -> None:
    ward = agency_tree["ward"]
    step = dossier_transfer(
        dossier=assigned, actor=desk.leader, to_agency=other, days=4, note="Xác minh"
    )
    transfer = step.remote_transfer
    assert dossier_agency_now(dossier=assigned) == other

    packet = _outbox().get()
    assert packet.document_id == transfer.document_id
    assert (packet.recipient_codes, packet.sender_code) == (REMOTE, ward.code)
    content = bytes(packet.content)
    own = packet_key(agency=ward).certificate
    report = packet_validate(content, trusted=[own], max_bytes=10**8)
    assert report.valid, report.errors
    assert report.header["number"] == assigned.code
    assert report.header["notation"] == f"HSLT-{transfer.pk}"
    parsed = packet_read(packet_parse(content, max_bytes=10**8))
    assert parsed.header.typer_notation == TYPER_NOTATION
    assert parsed.attachments[0].content_id == MARKER_ID
    payload = dossier_payload(parsed)
    assert payload is not None
    data = payload.data["dossier"]
    assert data["code"] == assigned.code
    assert data["procedure_code"] == assigned.procedure.code
    assert data["applicant"]["applicant_id_number"] == assigned.applicant_id_number
    assert (data["days"], data["note"]) == (4, "Xác minh")
    originals = {
        f.original_name: f.sha256
        for f in assigned.files.filter(kind=DossierFile.Kind.SUBMITTED)
    }
    assert {f.name: hashlib.sha256(f.content).hexdigest() for f in payload.files} == (
        originals
    )

    # Statuses from the other installation show on the dossier.
    _status(sender_keys, transfer.document_id, "01")
    _status(sender_keys, transfer.document_id, "03", "000.00.00.H60-20261201-0000001")
    _status(sender_keys, transfer.document_id, "05", "Chuyên viên B")
    transfer.refresh_from_db()
    assert transfer.state == DossierRemoteTransfer.State.PROCESSING
    assert transfer.remote_code == "000.00.00.H60-20261201-0000001"

    # The result packet answers the transfer.
    result_pdf = make_pdf(["KẾT QUẢ XÁC MINH"])
    answer = dossier_packet(
        sender=other,
        recipient=Organ(organ_id=ward.code, organ_name=ward.name),
        number="000.00.00.H60-20261201-0000001",
        notation="HSLT-KQ-1",
        subject="Kết quả",
        document_id=f"{REMOTE},2026/12/01,B-1/HSLT-KQ-1",
        payload={
            "kind": "result",
            "response_for": transfer.document_id,
            "result": {
                "outcome": "approve",
                "note": "Đã xác minh",
                "decided_by": "Lê Văn Lãnh Đạo",
                "decided_at": "2026-12-01T15:30:00+07:00",
            },
        },
        files=[RemoteFile("ket-qua.pdf", result_pdf, "application/pdf")],
        keys=_keys(sender_keys),
    )
    outcome = packet_receive(answer)
    assert outcome.http == 200, outcome.body
    assert dossier_agency_now(dossier=assigned) == ward
    back = assigned.steps.get(state="active")
    assert back.kind == DossierStep.Kind.RETURN and back.assignee == desk.specialist
    stored = assigned.files.get(original_name="ket-qua.pdf")
    assert stored.sha256 == hashlib.sha256(result_pdf).hexdigest()
    assert assigned.events.filter(note__contains="Lê Văn Lãnh Đạo").exists()
    transfer.refresh_from_db()
    assert transfer.state == DossierRemoteTransfer.State.RETURNED
    # Not registered as an incoming document.
    from backoffice.incoming.models import IncomingDocument

    assert not IncomingDocument.objects.exists()


def test_a_refused_status_brings_the_dossier_back(
    assigned, desk, other, agency_tree, agency_pki, sender_keys
) -> None:
    step = dossier_transfer(
        dossier=assigned, actor=desk.leader, to_agency=other, days=2
    )
    _status(
        sender_keys,
        step.remote_transfer.document_id,
        "02",
        "Hệ thống này không có thủ tục 1.001193",
    )
    transfer = DossierRemoteTransfer.objects.get()
    assert transfer.state == DossierRemoteTransfer.State.REFUSED
    assert dossier_agency_now(dossier=assigned) == agency_tree["ward"]
    assert "không có thủ tục" in DossierStep.objects.get(pk=step.pk).note


def test_no_transfer_while_the_peer_is_inactive(
    assigned, desk, other, agency_pki
) -> None:
    Peer.objects.update(is_active=False)
    steps = list(assigned.steps.values_list("pk", "state"))
    with pytest.raises(ValidationError, match="ngừng kết nối"):
        dossier_transfer(dossier=assigned, actor=desk.leader, to_agency=other, days=2)
    assert list(assigned.steps.values_list("pk", "state")) == steps
    assert not _outbox().exists() and not DossierRemoteTransfer.objects.exists()


# --- the receiving side ----------------------------------------------------


def _transfer_packet(
    sender_keys, other, ward, birth_registration, *, doc="1", **changes
) -> bytes:
    data = {
        "code": f"{REMOTE}-20261201-0000001",
        "procedure_code": birth_registration.code,
        "procedure_name": birth_registration.name,
        "applicant": {
            "applicant_name": "Trần Thị Bình",
            "applicant_id_number": "092095001234",
        },
        "days": 3,
        "note": "Đề nghị phối hợp",
    } | changes
    return dossier_packet(
        sender=other,
        recipient=Organ(organ_id=ward.code, organ_name=ward.name),
        number=data["code"],
        notation="HSLT-1",
        subject="Hồ sơ liên thông",
        document_id=f"{REMOTE},2026/12/01,{data['code']}/HSLT-{doc}",
        payload={"kind": "transfer", "dossier": data},
        files=[
            RemoteFile("to-khai.pdf", FORM_PDF, "application/pdf"),
        ],
        keys=_keys(sender_keys),
    )


def _statuses_out() -> list[str]:
    return list(
        ExchangeStatus.objects.filter(direction=Direction.OUT)
        .order_by("pk")
        .values_list("code", flat=True)
    )


def test_an_inbound_transfer_creates_a_local_dossier_once(
    desk, other, agency_tree, birth_registration, agency_pki, sender_keys
) -> None:
    ward = agency_tree["ward"]
    data = _transfer_packet(sender_keys, other, ward, birth_registration)
    outcome = packet_receive(data)
    assert outcome.http == 200 and outcome.body["duplicate"] is False, outcome.body

    dossier = Dossier.objects.get()
    assert dossier.agency == ward and dossier.code != f"{REMOTE}-20261201-0000001"
    origin = DossierRemoteOrigin.objects.get(dossier=dossier)
    assert (origin.origin_agency_code, origin.origin_code) == (
        REMOTE,
        f"{REMOTE}-20261201-0000001",
    )
    assert origin.peer_id == Peer.objects.get().pk
    assert dossier.steps.get().kind == DossierStep.Kind.TRANSFER
    sent = dossier.files.get()
    assert sent.sha256 == hashlib.sha256(FORM_PDF).hexdigest()
    assert _statuses_out() == ["01", "03"]
    assert (
        ExchangeStatus.objects.get(direction=Direction.OUT, code="03").description
        == dossier.code
    )

    # The same bytes again, and the same dossier under another DocumentId.
    assert packet_receive(data).body["duplicate"] is True
    again = packet_receive(
        _transfer_packet(sender_keys, other, ward, birth_registration, doc="2")
    )
    assert (again.http, again.body["duplicate"]) == (200, True), again.body
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"procedure_code": "9.999999"}, "không có thủ tục 9.999999"),
        ({"days": 400}, "từ 1 đến 365"),
    ],
)
def test_an_inbound_transfer_the_receiver_cannot_take_is_refused_with_02(
    desk,
    other,
    agency_tree,
    birth_registration,
    agency_pki,
    sender_keys,
    changes,
    reason,
) -> None:
    files = DossierFile.objects.count()
    data = _transfer_packet(
        sender_keys, other, agency_tree["ward"], birth_registration, **changes
    )
    outcome = packet_receive(data)
    assert outcome.http == 422 and reason in " ".join(outcome.body["errors"])
    assert outcome.body["status"] == "02"
    assert not Dossier.objects.exists() and DossierFile.objects.count() == files
    assert not ExchangePacket.objects.filter(direction=Direction.IN).exists()
    refusal = ExchangeStatus.objects.get(direction=Direction.OUT)
    assert refusal.code == "02" and reason in refusal.description


def test_a_tampered_transfer_packet_is_refused(
    desk, other, agency_tree, birth_registration, agency_pki, sender_keys
) -> None:
    data = _transfer_packet(sender_keys, other, agency_tree["ward"], birth_registration)
    tampered = data.replace("Hồ sơ liên thông".encode(), "Hồ sơ giả mạo".encode(), 1)
    assert tampered != data
    outcome = packet_receive(tampered)
    assert outcome.http in (400, 403) and not outcome.body["accepted"]
    assert not Dossier.objects.exists()


def test_the_receivers_approval_sends_06_and_the_result_packet(
    desk,
    other,
    agency_tree,
    birth_registration,
    agency_pki,
    sender_keys,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    ward = agency_tree["ward"]
    packet_receive(_transfer_packet(sender_keys, other, ward, birth_registration))
    dossier = Dossier.objects.get()
    dossier_assign(dossier=dossier, actor=desk.leader, assignee=desk.specialist)
    assert _statuses_out()[-1] == "05"
    dossier_propose(
        dossier=dossier,
        actor=desk.specialist,
        outcome="approve",
        note="Đã xác nhận",
        files=[checked_upload(make_pdf(["XÁC NHẬN"]), name="xac-nhan.pdf")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier_proposal_approve(dossier=dossier, actor=desk.leader)

    assert _statuses_out()[-1] == "06"
    result = _outbox().get(recipient_codes=REMOTE)
    parsed = packet_read(packet_parse(bytes(result.content), max_bytes=10**8))
    payload = dossier_payload(parsed)
    assert payload is not None and payload.data["kind"] == "result"
    origin = DossierRemoteOrigin.objects.get()
    assert payload.data["response_for"] == origin.document_id
    assert parsed.header.response_for[0].document_id == origin.document_id
    assert payload.data["result"]["outcome"] == "approve"
    assert "xac-nhan.pdf" in [f.name for f in payload.files]
    assert origin.returned_at is not None
    assert AuditLogEntry.objects.filter(action="dossier.remote_received").exists()


def test_a_transfer_packet_refused_in_the_answer_brings_the_dossier_back(
    assigned, desk, other, agency_tree, agency_pki
) -> None:
    from backoffice.exchange.outbound import _record_try

    dossier_transfer(dossier=assigned, actor=desk.leader, to_agency=other, days=2)
    packet = _outbox().get()
    state = _record_try(
        packet_id=packet.pk,
        error="Hệ thống Cần Thơ từ chối gói tin: không có thủ tục",
        refused=True,
    )
    assert state == "failed"
    transfer = DossierRemoteTransfer.objects.get()
    assert transfer.state == DossierRemoteTransfer.State.REFUSED
    assert "không có thủ tục" in transfer.reason
    assert dossier_agency_now(dossier=assigned) == agency_tree["ward"]
