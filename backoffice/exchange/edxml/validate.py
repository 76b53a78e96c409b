"""Is a packet valid? Schema, mandatory header fields, every attachment against its
manifest hash, and the signature — intact and from a trusted certificate."""

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from lxml import etree

from .constants import DS_NS, MANDATORY_HEADER_FIELDS, q
from .parse import manifest_hashes, packet_attachments, packet_parse, packet_read
from .sign import signature_certificate, signature_verifies

SCHEMA = Path(__file__).resolve().parent / "schema" / "edxml.xsd"

FIELD_LABELS = {
    "from": "From/OrganId",
    "to": "To/OrganId",
    "number": "Code/CodeNumber",
    "notation": "Code/CodeNotation",
    "promulgation_date": "PromulgationInfo/PromulgationDate",
    "document_type": "DocumentType/TypeName",
    "subject": "Subject",
    "document_id": "DocumentId",
}


@functools.cache
def edxml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


@dataclass
class Report:
    """The result, shaped as `manage.py edxml_validate --json` prints it."""

    valid: bool = False
    errors: list[str] = field(default_factory=list)
    business_type: int | None = None
    document_id: str = ""
    header: dict[str, Any] = field(default_factory=dict)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    signature: dict[str, bool] = field(
        default_factory=lambda: {"present": False, "intact": False, "trusted": False}
    )
    certificate: x509.Certificate | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": self.errors,
            "business_type": self.business_type,
            "document_id": self.document_id,
            "header": self.header,
            "attachments": self.attachments,
            "signature": self.signature,
        }


def fingerprint(certificate: x509.Certificate) -> bytes:
    return certificate.fingerprint(hashes.SHA256())


def packet_validate(
    data: bytes, *, trusted: Sequence[x509.Certificate], max_bytes: int
) -> Report:
    """Validate a packet. Raises PacketUnreadable when it is not a packet at all."""
    root = packet_parse(data, max_bytes=max_bytes)
    report = Report()
    if root.tag != q("edXML"):
        report.errors.append(
            _("Phần tử gốc là “%(tag)s”, không phải edXML của QCVN 102:2016.")
            % {"tag": root.tag}
        )
        return report
    schema = edxml_schema()
    if not schema.validate(root):
        report.errors.extend(
            _("Sai cấu trúc (dòng %(line)s): %(message)s")
            % {"line": error.line, "message": error.message}
            for error in list(schema.error_log)[:10]
        )
    packet = packet_read(root)
    h = packet.header
    report.business_type = int(packet.business.doc_type)
    report.document_id = h.document_id
    report.header = {
        "from": h.sender.organ_id,
        "to": [organ.organ_id for organ in h.recipients],
        "number": h.code_number,
        "notation": h.code_notation,
        "promulgation_date": (
            h.promulgation_date.isoformat()
            if h.promulgation_date != dt.date.min
            else ""
        ),
        "document_type": h.document_type_name,
        "subject": h.subject,
    }
    values = {**report.header, "document_id": h.document_id}
    for name in MANDATORY_HEADER_FIELDS:
        value = values[name]
        if not value or (isinstance(value, list) and not all(value)):
            report.errors.append(
                _("Thiếu trường bắt buộc %(field)s.") % {"field": FIELD_LABELS[name]}
            )
    _check_attachments(root, report)
    _check_signature(root, data, trusted, report)
    report.valid = not report.errors
    return report


def _check_attachments(root: etree._Element, report: Report) -> None:
    manifest = manifest_hashes(root)
    attachments = packet_attachments(root)
    for content_id, (name, expected) in manifest.items():
        attachment = attachments.get(content_id)
        actual = hashlib.sha256(attachment.content).hexdigest() if attachment else ""
        intact = (
            attachment is not None and bool(attachment.content) and actual == expected
        )
        report.attachments.append({"name": name, "sha256": actual, "intact": intact})
        if attachment is None:
            report.errors.append(
                _("Tệp đính kèm “%(name)s” có trong danh mục nhưng không có trong gói.")
                % {"name": name}
            )
        elif not intact:
            report.errors.append(
                _("Tệp đính kèm “%(name)s” đã bị thay đổi (SHA-256 không khớp).")
                % {"name": name}
            )
    for content_id, attachment in attachments.items():
        if content_id not in manifest:
            report.errors.append(
                _("Tệp đính kèm “%(name)s” không có trong danh mục (manifest).")
                % {"name": attachment.name}
            )


def _check_signature(
    root: etree._Element,
    data: bytes,
    trusted: Sequence[x509.Certificate],
    report: Report,
) -> None:
    value = root.find(f".//{{{DS_NS}}}SignatureValue")
    present = value is not None and bool((value.text or "").strip())
    certificate = signature_certificate(root) if present else None
    intact = certificate is not None and signature_verifies(data, certificate)
    trusted_ok = intact and any(
        fingerprint(certificate) == fingerprint(anchor) for anchor in trusted
    )
    report.signature = {"present": present, "intact": intact, "trusted": trusted_ok}
    report.certificate = certificate
    if not present:
        report.errors.append(_("Gói tin không có chữ ký số."))
    elif not intact:
        report.errors.append(
            _("Chữ ký số không hợp lệ: gói tin đã bị thay đổi sau khi ký.")
        )
    elif not trusted_ok:
        report.errors.append(
            _("Chứng thư ký gói tin không thuộc cơ quan đã đăng ký (không tin cậy).")
        )


__all__ = ["Report", "packet_validate"]
