"""Bad input against B's live exchange endpoint (issue 12's list): each gets a
clear refusal with its reason, is logged, changes nothing, and — where the
sender is a known peer — is answered with status 02."""

import dataclasses
import datetime as dt

import pytest
from lxml import etree

from backoffice.exchange.edxml.build import packet_tree
from backoffice.exchange.edxml.constants import q
from backoffice.exchange.edxml.model import (
    Attachment,
    Header,
    Organ,
    Packet,
    Trace,
)
from backoffice.exchange.edxml.sign import packet_sign
from tests.fixtures.signatures import make_pdf

from .live import make_keys

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PACKETS = "exchange/v1/packets/"
PDF = make_pdf(["CÔNG VĂN", "V/v kiểm tra gói tin liên thông"])


def packet_for(a, b, number: str, **header) -> Packet:
    return Packet(
        header=Header(
            sender=Organ(organ_id=a.code, organ_name=a.agency_name),
            recipients=(Organ(organ_id=header.pop("to", b.code)),),
            code_number=number,
            code_notation="UBND-VP",
            promulgation_place="Sóc Trăng",
            promulgation_date=dt.date(2026, 11, 30),
            document_type=2,
            document_type_name="Công văn",
            subject=header.pop("subject", "V/v kiểm tra gói tin"),
            **header,
        ),
        attachments=(Attachment(content_id="main", name="cv.pdf", content=PDF),),
        traces=(Trace(organ_id=a.code, timestamp=dt.datetime(2026, 11, 30, 9, 0, 0)),),
    )


def signed(packet: Packet, keys) -> bytes:
    key, certificate = keys
    return packet_sign(packet_tree(packet), key=key, certificate=certificate)


def stored(b) -> tuple[int, int]:
    packets = b.query(
        "SELECT count(*) FROM exchange_exchangepacket WHERE direction='in'"
    )
    documents = b.query("SELECT count(*) FROM incoming_incomingdocument")
    return packets[0][0], documents[0][0]


@pytest.fixture
def sides(installations):
    a, b = installations
    return a, b, (a.key, a.certificate)


def refused(b, data: bytes, http: int, words: str) -> dict:
    before = stored(b)
    status, body = b.post(PACKETS, data)
    assert status == http, body
    assert body["accepted"] is False
    assert any(words in error for error in body["errors"]), body["errors"]
    assert stored(b) == before  # nothing stored
    assert words in b.log(tail=50_000)  # logged with its reason
    return body


def test_not_xml(sides):
    a, b, keys = sides
    refused(b, b"%PDF-1.4 not a packet", 400, "Không phải XML")


def test_an_xml_bomb_is_not_expanded(sides):
    a, b, keys = sides
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol3;</edXML>'
    )
    refused(b, bomb, 400, "DTD")


def test_wrong_namespace(sides):
    a, b, keys = sides
    data = signed(packet_for(a, b, "901"), keys).replace(
        b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"urn:other"
    )
    refused(b, data, 400, "không phải edXML")


def test_missing_mandatory_field_is_refused_and_answered_with_02(sides):
    a, b, keys = sides
    root = packet_tree(packet_for(a, b, "902"))
    subject = root.find(f".//{q('Subject')}")
    subject.getparent().remove(subject)
    key, certificate = keys
    data = packet_sign(root, key=key, certificate=certificate)
    body = refused(b, data, 400, "Subject")
    assert body["status"] == "02"
    outbox = b.query(
        "SELECT status_code FROM exchange_exchangepacket WHERE direction='out' "
        "AND document_id = %s",
        (body["document_id"],),
    )
    assert outbox == [("02",)]


def test_changed_attachment(sides):
    a, b, keys = sides
    root = etree.fromstring(signed(packet_for(a, b, "903"), keys))
    encoded = root.find(f".//{q('ContentTransferEncoded')}")
    encoded.text = "JVBERi0xLjQKY2hhbmdlZAolJUVPRgo="
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    refused(b, data, 400, "SHA-256")


def test_a_signature_that_does_not_verify(sides):
    a, b, keys = sides
    data = signed(packet_for(a, b, "904"), keys).replace(
        "V/v kiểm tra gói tin".encode(), "V/v đã sửa sau khi ký".encode()
    )
    refused(b, data, 400, "Chữ ký số không hợp lệ")


def test_a_signature_from_an_unknown_certificate(sides):
    a, b, keys = sides
    data = signed(packet_for(a, b, "905"), make_keys("Kẻ lạ"))
    refused(b, data, 400, "không tin cậy")


def test_to_naming_no_local_agency(sides):
    a, b, keys = sides
    data = signed(packet_for(a, b, "906", to="000.00.99.H99"), keys)
    body = refused(b, data, 422, "không có cơ quan nào")
    assert body["status"] == "02"


def test_oversized_packet_is_refused_before_reading(sides):
    a, b, keys = sides
    big = dataclasses.replace(
        packet_for(a, b, "907"),
        attachments=(
            Attachment(content_id="main", name="to.pdf", content=b"%PDF" * 60_000),
        ),
    )
    refused(b, signed(big, keys), 413, "lớn hơn giới hạn")


def test_a_replayed_document_id_with_other_content_is_refused(sides):
    a, b, keys = sides
    first = signed(packet_for(a, b, "908"), keys)
    status, body = b.post(PACKETS, first)
    assert (status, body["accepted"], body["duplicate"]) == (200, True, False)
    status, body = b.post(PACKETS, first)
    assert (status, body["duplicate"]) == (200, True)
    replay = signed(packet_for(a, b, "908", subject="V/v nội dung khác"), keys)
    refused(b, replay, 409, "đã được nhận trước đó")
