"""Status packets (gói tin trạng thái): what a receiver reports back.

DOMAIN.md says the exact element names of status packets are unconfirmed [?]:
they are all in this module, so matching the hub's spelling later changes only
these names. A status packet is signed like a document packet (enveloped
XML-DSig over the whole packet, signature last in the root).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from lxml import etree

from .edxml.constants import DS_NS, NSMAP, TIMESTAMP_FORMAT, StatusCode, q
from .edxml.parse import PacketUnreadable, packet_parse
from .edxml.sign import packet_sign, signature_certificate, signature_verifies

ROOT = "Status"
HEADER = "StatusHeader"
FROM = "From"
ORGAN_ID = "OrganId"
ORGAN_NAME = "OrganName"
RESPONSE_FOR = "ResponseFor"
DOCUMENT_ID = "DocumentId"
STATUS_CODE = "StatusCode"
DESCRIPTION = "Description"
TIMESTAMP = "Timestamp"
STAFF_INFO = "StaffInfo"
STAFF = "Staff"


@dataclass(frozen=True)
class StatusReport:
    """One status of one document, reported by one receiving organ."""

    organ_id: str
    document_id: str
    code: str
    timestamp: dt.datetime
    organ_name: str = ""
    description: str = ""
    staff: str = ""


def _sub(parent: etree._Element, name: str, text: str = "") -> etree._Element:
    element = etree.SubElement(parent, q(name))
    element.text = text
    return element


def status_tree(report: StatusReport) -> etree._Element:
    root = etree.Element(q(ROOT), nsmap=NSMAP)
    header = _sub(root, HEADER)
    sender = _sub(header, FROM)
    _sub(sender, ORGAN_ID, report.organ_id)
    _sub(sender, ORGAN_NAME, report.organ_name)
    response = _sub(header, RESPONSE_FOR)
    _sub(response, DOCUMENT_ID, report.document_id)
    _sub(header, STATUS_CODE, report.code)
    _sub(header, DESCRIPTION, report.description)
    _sub(header, TIMESTAMP, report.timestamp.strftime(TIMESTAMP_FORMAT))
    staff = _sub(header, STAFF_INFO)
    _sub(staff, STAFF, report.staff)
    return root


def status_sign(
    report: StatusReport, *, key: PrivateKeyTypes, certificate: x509.Certificate
) -> bytes:
    return packet_sign(status_tree(report), key=key, certificate=certificate)


class StatusInvalid(ValueError):
    """A status packet that cannot be accepted (message in Vietnamese)."""


def _text(root: etree._Element, *names: str) -> str:
    found = root.find("/".join(q(name) for name in names))
    return (found.text or "").strip() if found is not None else ""


def status_read(
    data: bytes, *, max_bytes: int
) -> tuple[StatusReport, x509.Certificate]:
    """The status and the certificate its intact signature was made with.
    Raises PacketUnreadable (not XML, DTD, too big) or StatusInvalid."""
    root = packet_parse(data, max_bytes=max_bytes)
    if root.tag != q(ROOT):
        raise StatusInvalid(
            _("Phần tử gốc là “%(tag)s”, không phải gói tin trạng thái.")
            % {"tag": root.tag}
        )
    if root.find(f".//{{{DS_NS}}}SignatureValue") is None:
        raise StatusInvalid(_("Gói tin không có chữ ký số."))
    certificate = signature_certificate(root)
    if certificate is None or not signature_verifies(data, certificate):
        raise StatusInvalid(
            _("Chữ ký số không hợp lệ: gói tin đã bị thay đổi sau khi ký.")
        )
    code = _text(root, HEADER, STATUS_CODE)
    if code not in StatusCode.ALL:
        raise StatusInvalid(
            _("Mã trạng thái “%(code)s” không hợp lệ.") % {"code": code[:10]}
        )
    organ_id = _text(root, HEADER, FROM, ORGAN_ID)
    document_id = _text(root, HEADER, RESPONSE_FOR, DOCUMENT_ID)
    if not organ_id or not document_id:
        raise StatusInvalid(
            _("Thiếu trường bắt buộc %(field)s.")
            % {"field": "From/OrganId" if not organ_id else "DocumentId"}
        )
    try:
        moment = dt.datetime.strptime(_text(root, HEADER, TIMESTAMP), TIMESTAMP_FORMAT)
    except ValueError as exc:
        raise StatusInvalid(
            _("Thiếu trường bắt buộc %(field)s.") % {"field": TIMESTAMP}
        ) from exc
    report = StatusReport(
        organ_id=organ_id,
        document_id=document_id,
        code=code,
        timestamp=moment,
        organ_name=_text(root, HEADER, FROM, ORGAN_NAME),
        description=_text(root, HEADER, DESCRIPTION),
        staff=_text(root, HEADER, STAFF_INFO, STAFF),
    )
    return report, certificate


__all__ = ["PacketUnreadable", "StatusInvalid", "StatusReport", "status_read"]
