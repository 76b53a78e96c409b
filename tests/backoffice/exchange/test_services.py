"""The exchange in one installation: edxml_build for a released outgoing
document, the outbox's backoff, failure and retry by hand (audited), status
packets and recall decisions refused on bad input, packets kept immutable."""

import json
import socket
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

import pytest
from cryptography import x509

from backoffice.core.models import AuditLogEntry
from backoffice.exchange.constants import Direction, PacketKind, PacketState
from backoffice.exchange.models import ExchangePacket, ExchangeRecall, Peer
from backoffice.exchange.outbound import (
    ExchangeRejected,
    packet_queue,
    packet_retry,
    packet_send,
)
from backoffice.exchange.recall import recall_decide
from backoffice.exchange.status_packet import StatusReport, status_sign
from backoffice.exchange.statuses import StatusRefused, status_receive
from backoffice.outgoing.release import outgoing_release
from backoffice.signatures.models import AgencySigningCertificate


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def peer(db, sender_keys):
    from cryptography.hazmat.primitives import serialization

    return Peer.objects.create(
        name="Hệ thống Cần Thơ",
        base_url=f"http://127.0.0.1:{closed_port()}",
        certificate_pem=sender_keys[1]
        .public_bytes(serialization.Encoding.PEM)
        .decode(),
    )


def test_edxml_build_writes_a_valid_signed_packet_of_a_released_document(
    office, pkcs12_keys, approved, tmp_path
):
    document = approved(attachments=1, recipient_agencies=[office.tree["ict"]])
    released = outgoing_release(document=document, actor=office.clerk)
    target = tmp_path / "out.edxml"
    call_command("edxml_build", "--outgoing", str(released.pk), "-o", str(target))

    record = AgencySigningCertificate.objects.for_agency(office.agency)
    from backoffice.signatures.signing import certificate_signer

    cert = x509.load_der_x509_certificate(
        certificate_signer(record).signing_cert.dump()
    )
    pem = tmp_path / "agency.pem"
    from cryptography.hazmat.primitives import serialization

    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    out = StringIO()
    call_command(
        "edxml_validate", str(target), "--trust-cert", str(pem), "--json", stdout=out
    )
    report = json.loads(out.getvalue())
    number, notation = released.number_symbol.split("/", 1)
    assert report["valid"], report["errors"]
    assert report["header"]["from"] == office.agency.code
    assert report["header"]["to"] == [office.tree["ict"].code]
    assert (report["header"]["number"], report["header"]["notation"]) == (
        number,
        notation,
    )
    assert report["header"]["subject"] == released.subject
    assert [a["intact"] for a in report["attachments"]] == [True, True]
    assert report["signature"] == {"present": True, "intact": True, "trusted": True}


def test_edxml_build_refuses_a_document_not_released(
    office, pkcs12_keys, approved, tmp_path
):
    document = approved(recipient_agencies=[office.tree["ict"]])
    target = tmp_path / "out.edxml"
    with pytest.raises(CommandError, match="chưa được phát hành"):
        call_command("edxml_build", "--outgoing", str(document.pk), "-o", str(target))
    assert not target.exists()


def test_a_packet_to_a_peer_that_is_down_backs_off_then_fails_then_is_retried(
    peer, settings, django_capture_on_commit_callbacks, office
):
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    settings.EXCHANGE_RETRY_BASE_SECONDS = 10
    settings.EXCHANGE_TIMEOUT_SECONDS = 2
    packet = packet_queue(
        kind=PacketKind.STATUS,
        document_id="000.00.00.H53,2026/11/30,1/UBND-VP",
        dedup_key="status:01:x",
        peer=peer,
        content=b"<Status/>",
        agency=office.agency,
    )
    assert (
        packet_queue(
            kind=PacketKind.STATUS,
            document_id=packet.document_id,
            dedup_key="status:01:x",
            peer=peer,
            content=b"<other/>",
        )
        == packet
    )  # idempotent: stored once
    states = [packet_send(packet_id=packet.pk) for _ in range(3)]
    packet.refresh_from_db()
    assert states == [PacketState.QUEUED, PacketState.QUEUED, PacketState.FAILED]
    assert packet.attempts == 3
    assert "Không gửi được" in packet.last_error
    assert packet_send(packet_id=packet.pk) == PacketState.FAILED  # no 4th try

    with django_capture_on_commit_callbacks():
        packet_retry(packet=packet, actor=office.clerk)
    packet.refresh_from_db()
    assert (packet.state, packet.attempts) == (PacketState.QUEUED, 0)
    assert AuditLogEntry.objects.filter(action="exchangepacket.retried").count() == 1
    with pytest.raises(ExchangeRejected):
        packet_retry(packet=packet, actor=office.clerk)  # not failed any more


def test_backoff_doubles_between_tries(peer, settings):
    from backoffice.exchange.outbound import _backoff

    settings.EXCHANGE_RETRY_BASE_SECONDS = 60
    settings.EXCHANGE_RETRY_MAX_SECONDS = 300
    assert [_backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 300]


def test_packet_bytes_cannot_be_changed(peer):
    packet = ExchangePacket.objects.create(
        kind=PacketKind.DOCUMENT,
        direction=Direction.IN,
        document_id="x",
        dedup_key="x",
        peer=peer,
        state=PacketState.RECEIVED,
        content=b"<edXML/>",
    )
    packet.sha256 = "0" * 64
    with pytest.raises(ValidationError):
        packet.save()


def test_a_status_for_a_document_never_sent_or_badly_signed_is_refused(
    peer, sender_keys, stranger_keys
):
    import datetime as dt

    from backoffice.exchange.models import PeerAgency

    PeerAgency.objects.create(peer=peer, code="000.00.00.H60")
    report = StatusReport(
        organ_id="000.00.00.H60",
        document_id="000.00.00.H53,2026/11/30,1/UBND-VP",
        code="03",
        timestamp=dt.datetime(2026, 11, 30, 10, 0, 0),
    )
    with pytest.raises(StatusRefused, match="Không có văn bản"):
        status_receive(
            status_sign(report, key=sender_keys[0], certificate=sender_keys[1])
        )
    with pytest.raises(StatusRefused, match="không tin cậy"):
        status_receive(
            status_sign(report, key=stranger_keys[0], certificate=stranger_keys[1])
        )
    tampered = status_sign(
        report, key=sender_keys[0], certificate=sender_keys[1]
    ).replace(b">03<", b">06<")
    with pytest.raises(StatusRefused, match="Chữ ký số không hợp lệ"):
        status_receive(tampered)
    with pytest.raises(StatusRefused, match="DTD"):
        status_receive(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')


def test_refusing_a_recall_needs_a_reason_and_changes_nothing(peer, office):
    recall = ExchangeRecall.objects.create(
        document_id="000.00.00.H53,2026/11/30,1/UBND-VP",
        peer=peer,
        agency=office.agency,
        sender_code="000.00.00.H53",
        reason="Nhầm nơi nhận",
    )
    with pytest.raises(ExchangeRejected, match="lý do từ chối"):
        recall_decide(recall=recall, agree=False, note="  ", actor=office.clerk)
    recall.refresh_from_db()
    assert recall.state == "requested"
    assert (
        AuditLogEntry.objects.filter(action__startswith="exchange.recall").count() == 0
    )
