"""edXML bytes → element tree (hardened) → Packet."""

import base64
import binascii
import datetime as dt

from django.utils.translation import gettext as _

from lxml import etree

from .constants import DATE_FORMAT, TIMESTAMP_FORMAT, XLINK_NS, BusinessType, q
from .model import (
    Attachment,
    Business,
    Header,
    Organ,
    Packet,
    ResponseFor,
    Signer,
    Staff,
    Trace,
)


class PacketUnreadable(ValueError):
    """Not a packet at all: too big, not XML, or XML with a DTD/entities."""


def packet_parse(data: bytes, *, max_bytes: int) -> etree._Element:
    """Parse with a hardened parser: no DTD, no entity expansion, no network."""
    if len(data) > max_bytes:
        raise PacketUnreadable(
            _("Gói tin %(size)s byte, lớn hơn giới hạn %(limit)s byte.")
            % {"size": len(data), "limit": max_bytes}
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise PacketUnreadable(
            _("Không phải XML hợp lệ: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    if root.getroottree().docinfo.doctype:
        raise PacketUnreadable(
            _("Gói tin có khai báo DTD hoặc thực thể XML: không được chấp nhận.")
        )
    return root


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _path(*names: str) -> str:
    return "/".join(q(name) for name in names)


def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        return None


def _int(text: str, default: int = 0) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def _organ(element: etree._Element) -> Organ:
    return Organ(
        organ_id=_text(element, q("OrganId")),
        organization_in_charge=_text(element, q("OrganizationInCharge")),
        organ_name=_text(element, q("OrganName")),
        organ_add=_text(element, q("OrganAdd")),
        email=_text(element, q("Email")),
        telephone=_text(element, q("Telephone")),
        fax=_text(element, q("Fax")),
        website=_text(element, q("Website")),
    )


def message_header(root: etree._Element) -> etree._Element | None:
    return root.find(_path("edXMLEnvelope", "edXMLHeader", "MessageHeader"))


def packet_read(root: etree._Element) -> Packet:
    """The packet's content; missing fields come back empty (validate first)."""
    m = message_header(root)
    sender = m.find(q("From")) if m is not None else None
    header = Header(
        sender=_organ(sender) if sender is not None else Organ(organ_id=""),
        recipients=tuple(
            _organ(e) for e in (m.findall(q("To")) if m is not None else [])
        ),
        code_number=_text(m, _path("Code", "CodeNumber")),
        code_notation=_text(m, _path("Code", "CodeNotation")),
        promulgation_place=_text(m, _path("PromulgationInfo", "Place")),
        promulgation_date=_date(_text(m, _path("PromulgationInfo", "PromulgationDate")))
        or dt.date.min,
        document_type=_int(_text(m, _path("DocumentType", "Type"))),
        document_type_name=_text(m, _path("DocumentType", "TypeName")),
        document_type_detail=_int(_text(m, _path("DocumentType", "TypeDetail"))),
        subject=_text(m, q("Subject")),
        content=_text(m, q("Content")),
        signer=Signer(
            competence=_text(m, _path("SignerInfo", "Competence")),
            position=_text(m, _path("SignerInfo", "Position")),
            full_name=_text(m, _path("SignerInfo", "FullName")),
        ),
        due_date=_date(_text(m, q("DueDate"))),
        to_places=tuple(
            (e.text or "").strip()
            for e in (m.findall(_path("ToPlaces", "Place")) if m is not None else [])
        ),
        priority=_int(_text(m, _path("OtherInfo", "Priority"))),
        sphere_of_promulgation=_text(m, _path("OtherInfo", "SphereOfPromulgation")),
        typer_notation=_text(m, _path("OtherInfo", "TyperNotation")),
        promulgation_amount=_int(_text(m, _path("OtherInfo", "PromulgationAmount")), 1),
        page_amount=_int(_text(m, _path("OtherInfo", "PageAmount")), 1),
        appendixes=tuple(
            (e.text or "").strip()
            for e in (
                m.findall(_path("OtherInfo", "Appendixes", "Appendix"))
                if m is not None
                else []
            )
        ),
        response_for=tuple(
            ResponseFor(
                organ_id=_text(e, q("OrganId")),
                code=_text(e, q("Code")),
                promulgation_date=_date(_text(e, q("PromulgationDate"))) or dt.date.min,
                document_id=_text(e, q("DocumentId")),
            )
            for e in (m.findall(q("ResponseFor")) if m is not None else [])
        ),
        steering_type=_int(_text(m, q("SteeringType"))),
        document_id=_text(m, q("DocumentId")),
    )
    traces_element = root.find(_path("edXMLEnvelope", "edXMLHeader", "TraceHeaderList"))
    traces = []
    for element in (
        traces_element.findall(q("TraceHeader")) if traces_element is not None else []
    ):
        try:
            moment = dt.datetime.strptime(
                _text(element, q("Timestamp")), TIMESTAMP_FORMAT
            )
        except ValueError:
            continue
        traces.append(Trace(organ_id=_text(element, q("OrganId")), timestamp=moment))
    business_element = (
        traces_element.find(q("Bussiness")) if traces_element is not None else None
    )
    doc_type = _int(_text(business_element, q("BussinessDocType")))
    business = Business(
        doc_type=BusinessType(doc_type)
        if doc_type in BusinessType._value2member_map_
        else BusinessType.NEW,
        reason=_text(business_element, q("BussinessDocReason")),
        staff=Staff(
            department=_text(business_element, _path("StaffInfo", "Department")),
            staff=_text(business_element, _path("StaffInfo", "Staff")),
            mobile=_text(business_element, _path("StaffInfo", "Mobile")),
            email=_text(business_element, _path("StaffInfo", "Email")),
        ),
        paper=_text(business_element, q("Paper")) == "1",
    )
    return Packet(
        header=header,
        attachments=tuple(packet_attachments(root).values()),
        business=business,
        traces=tuple(traces),
    )


def packet_attachments(root: etree._Element) -> dict[str, Attachment]:
    """Attachments by ContentId; undecodable content comes back as empty bytes."""
    found: dict[str, Attachment] = {}
    for element in root.findall(_path("AttachmentEncoded", "Attachment")):
        encoded = _text(element, q("ContentTransferEncoded"))
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            content = b""
        content_id = _text(element, q("ContentId"))
        found[content_id] = Attachment(
            content_id=content_id,
            name=_text(element, q("AttachmentName")),
            content=content,
            content_type=_text(element, q("ContentType")),
            description=_text(element, q("Description")),
        )
    return found


def manifest_hashes(root: etree._Element) -> dict[str, tuple[str, str]]:
    """ContentId → (AttachmentName, Sha256) of the manifest's references."""
    manifest = root.find(_path("edXMLEnvelope", "edXMLBody", "edXMLManifest"))
    references = manifest.findall(q("Reference")) if manifest is not None else []
    result = {}
    for reference in references:
        href = reference.get(f"{{{XLINK_NS}}}href", "")
        content_id = _text(reference, q("ContentId")) or href.removeprefix("cid:")
        result[content_id] = (
            _text(reference, q("AttachmentName")),
            _text(reference, q("Sha256")),
        )
    return result
