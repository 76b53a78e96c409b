"""edXML packets: built, signed, and validated as the contract says; every bad input
named by the issue is refused with a reason."""

import base64
import json
from io import StringIO

from django.core.management import call_command

import pytest
from lxml import etree

from backoffice.exchange.edxml.build import packet_bytes, packet_tree
from backoffice.exchange.edxml.constants import q
from backoffice.exchange.edxml.parse import PacketUnreadable, packet_parse, packet_read
from backoffice.exchange.edxml.sign import packet_sign
from backoffice.exchange.edxml.validate import edxml_schema, packet_validate

LIMIT = 10 * 1024 * 1024


def signed(packet, keys) -> bytes:
    key, certificate = keys
    return packet_sign(packet_tree(packet), key=key, certificate=certificate)


def test_a_signed_packet_is_valid_and_reads_back(packet, sender_keys):
    data = signed(packet, sender_keys)
    report = packet_validate(data, trusted=[sender_keys[1]], max_bytes=LIMIT)
    assert report.errors == []
    assert report.valid
    assert report.as_json()["header"] == {
        "from": "000.00.11.H53",
        "to": ["000.00.04.H60"],
        "number": "125",
        "notation": "STTTT-VP",
        "promulgation_date": "2026-11-30",
        "document_type": "Công văn",
        "subject": "V/v phối hợp triển khai liên thông văn bản điện tử",
    }
    assert report.document_id == "000.00.11.H53,2026/11/30,125/STTTT-VP"
    assert report.business_type == 0
    assert [a["intact"] for a in report.attachments] == [True, True]
    assert report.signature == {"present": True, "intact": True, "trusted": True}
    read = packet_read(packet_parse(data, max_bytes=LIMIT))
    assert read.header == packet.header.__class__(
        **{**packet.header.__dict__, "document_id": report.document_id}
    )
    assert read.attachments == packet.attachments
    assert read.traces == packet.traces


def test_the_unsigned_packet_is_schema_valid_and_the_signature_sits_in_the_header(
    packet, sender_keys
):
    assert edxml_schema().validate(packet_tree(packet)), edxml_schema().error_log
    root = etree.fromstring(signed(packet, sender_keys))
    signature = root.find(
        f"{q('edXMLEnvelope')}/{q('edXMLHeader')}/{q('DigitalSignature')}"
        "/{http://www.w3.org/2000/09/xmldsig#}Signature"
    )
    assert signature is not None
    assert signature.find("{http://www.w3.org/2000/09/xmldsig#}SignatureValue").text


def test_a_packet_from_an_unknown_certificate_is_not_trusted(
    packet, sender_keys, stranger_keys
):
    report = packet_validate(
        signed(packet, stranger_keys), trusted=[sender_keys[1]], max_bytes=LIMIT
    )
    assert not report.valid
    assert report.signature == {"present": True, "intact": True, "trusted": False}
    assert any("không tin cậy" in error for error in report.errors)


def test_changed_attachment_bytes_are_named(packet, sender_keys):
    root = etree.fromstring(signed(packet, sender_keys))
    encoded = root.find(
        f"{q('AttachmentEncoded')}/{q('Attachment')}/{q('ContentTransferEncoded')}"
    )
    encoded.text = base64.b64encode(b"%PDF-1.7\nforged\n%%EOF\n").decode()
    report = packet_validate(
        packet_bytes(root), trusted=[sender_keys[1]], max_bytes=LIMIT
    )
    assert not report.valid
    assert report.attachments[0] == {
        "name": "125-STTTT-VP.pdf",
        "sha256": report.attachments[0]["sha256"],
        "intact": False,
    }
    assert report.attachments[1]["intact"] is True
    assert any("125-STTTT-VP.pdf" in e and "SHA-256" in e for e in report.errors)
    assert report.signature["intact"] is False


def test_a_changed_header_breaks_the_signature(packet, sender_keys):
    root = etree.fromstring(signed(packet, sender_keys))
    root.find(f".//{q('Subject')}").text = "Nội dung khác"
    report = packet_validate(
        packet_bytes(root), trusted=[sender_keys[1]], max_bytes=LIMIT
    )
    assert report.signature == {"present": True, "intact": False, "trusted": False}
    assert not report.valid


def test_an_unsigned_packet_is_invalid(packet, sender_keys):
    report = packet_validate(
        packet_bytes(packet_tree(packet)), trusted=[sender_keys[1]], max_bytes=LIMIT
    )
    assert report.signature["present"] is False
    assert "Gói tin không có chữ ký số." in report.errors


def test_a_missing_mandatory_field_is_named(packet, sender_keys):
    from dataclasses import replace

    empty = replace(packet, header=replace(packet.header, subject=""))
    report = packet_validate(
        signed(empty, sender_keys), trusted=[sender_keys[1]], max_bytes=LIMIT
    )
    assert not report.valid
    assert "Thiếu trường bắt buộc Subject." in report.errors


def test_the_wrong_namespace_is_refused(sender_keys):
    data = b'<?xml version="1.0"?><edXML xmlns="urn:other"><x/></edXML>'
    report = packet_validate(data, trusted=[sender_keys[1]], max_bytes=LIMIT)
    assert not report.valid
    assert "không phải edXML" in report.errors[0]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7 not xml",
        b"<edXML><unclosed></edXML>",
        # Billion laughs: refused for its DTD, never expanded.
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        b"]><edXML>&lol3;</edXML>",
        # External entity (XXE): never fetched.
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<edXML>&e;</edXML>",
    ],
)
def test_what_is_not_a_packet_is_unreadable(data):
    with pytest.raises(PacketUnreadable):
        packet_parse(data, max_bytes=LIMIT)


def test_an_oversized_packet_is_refused_before_parsing(packet, sender_keys):
    data = signed(packet, sender_keys)
    with pytest.raises(PacketUnreadable, match="giới hạn"):
        packet_parse(data, max_bytes=len(data) - 1)


def run_validate(*args):
    out = StringIO()
    try:
        call_command("edxml_validate", *args, "--json", stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


@pytest.mark.django_db
def test_the_command_keeps_the_contract(packet, sender_keys, tmp_path, cert_file):
    path = tmp_path / "packet.edxml"
    path.write_bytes(signed(packet, sender_keys))
    code, report = run_validate(
        str(path), "--trust-cert", str(cert_file(sender_keys[1]))
    )
    assert code == 0
    assert set(report) == {
        "valid",
        "errors",
        "business_type",
        "document_id",
        "header",
        "attachments",
        "signature",
    }
    assert report["valid"] is True
    assert report["attachments"][0]["name"] == "125-STTTT-VP.pdf"
    assert len(report["attachments"][0]["sha256"]) == 64

    code, report = run_validate(str(path))
    assert code == 1
    assert report["signature"] == {"present": True, "intact": True, "trusted": False}

    junk = tmp_path / "junk.edxml"
    junk.write_bytes(b"not xml at all")
    code, report = run_validate(str(junk))
    assert code == 2
    assert report["valid"] is False and report["errors"]

    code, report = run_validate(str(tmp_path / "missing.edxml"))
    assert code == 2
