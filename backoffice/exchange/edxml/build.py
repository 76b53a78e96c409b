"""Packet → edXML bytes (unsigned, with the place for its signature)."""

import base64
import hashlib

from lxml import etree

from .constants import DATE_FORMAT, DS_NS, NS, NSMAP, TIMESTAMP_FORMAT, XLINK_NS, q
from .model import Organ, Packet


def _sub(parent: etree._Element, name: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, q(name))
    if text is not None:
        element.text = str(text)
    return element


def _organ(parent: etree._Element, name: str, organ: Organ) -> None:
    element = _sub(parent, name)
    _sub(element, "OrganId", organ.organ_id)
    for tag, value in (
        ("OrganizationInCharge", organ.organization_in_charge),
        ("OrganName", organ.organ_name),
        ("OrganAdd", organ.organ_add),
        ("Email", organ.email),
        ("Telephone", organ.telephone),
        ("Fax", organ.fax),
        ("Website", organ.website),
    ):
        _sub(element, tag, value)


def packet_tree(packet: Packet) -> etree._Element:
    """The packet as an element tree, an empty `ds:Signature` placeholder inside
    `DigitalSignature` (where `sign.packet_sign` puts the enveloped signature)."""
    h = packet.header
    root = etree.Element(q("edXML"), nsmap=NSMAP)
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")

    message = _sub(header, "MessageHeader")
    _organ(message, "From", h.sender)
    for recipient in h.recipients:
        _organ(message, "To", recipient)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", h.code_number)
    _sub(code, "CodeNotation", h.code_notation)
    info = _sub(message, "PromulgationInfo")
    _sub(info, "Place", h.promulgation_place)
    _sub(info, "PromulgationDate", h.promulgation_date.strftime(DATE_FORMAT))
    doc_type = _sub(message, "DocumentType")
    _sub(doc_type, "Type", h.document_type)
    _sub(doc_type, "TypeName", h.document_type_name)
    _sub(doc_type, "TypeDetail", h.document_type_detail)
    _sub(message, "Subject", h.subject)
    _sub(message, "Content", h.content)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", h.signer.competence)
    _sub(signer, "Position", h.signer.position)
    _sub(signer, "FullName", h.signer.full_name)
    if h.due_date is not None:
        _sub(message, "DueDate", h.due_date.strftime(DATE_FORMAT))
    places = _sub(message, "ToPlaces")
    for place in h.to_places:
        _sub(places, "Place", place)
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", h.priority)
    _sub(other, "SphereOfPromulgation", h.sphere_of_promulgation)
    _sub(other, "TyperNotation", h.typer_notation)
    _sub(other, "PromulgationAmount", h.promulgation_amount)
    _sub(other, "PageAmount", h.page_amount)
    appendixes = _sub(other, "Appendixes")
    for appendix in h.appendixes:
        _sub(appendixes, "Appendix", appendix)
    for answered in h.response_for:
        response = _sub(message, "ResponseFor")
        _sub(response, "OrganId", answered.organ_id)
        _sub(response, "Code", answered.code)
        _sub(
            response,
            "PromulgationDate",
            answered.promulgation_date.strftime(DATE_FORMAT),
        )
        _sub(response, "DocumentId", answered.document_id)
    _sub(message, "SteeringType", h.steering_type)
    _sub(message, "DocumentId", h.document_id or h.default_document_id())

    traces = _sub(header, "TraceHeaderList")
    traces.set("id", "TraceHeaderList")
    traces.set("version", "1.0")
    traces.set("mustUnderstand", "1")
    traces.set("actor", "http://schemas.xmlsoap.org/soap/actor/next")
    for trace in packet.traces:
        element = _sub(traces, "TraceHeader")
        _sub(element, "OrganId", trace.organ_id)
        _sub(element, "Timestamp", trace.timestamp.strftime(TIMESTAMP_FORMAT))
    business = _sub(traces, "Bussiness")
    _sub(business, "BussinessDocType", int(packet.business.doc_type))
    _sub(business, "BussinessDocReason", packet.business.reason)
    staff = _sub(business, "StaffInfo")
    _sub(staff, "Department", packet.business.staff.department)
    _sub(staff, "Staff", packet.business.staff.staff)
    _sub(staff, "Mobile", packet.business.staff.mobile)
    _sub(staff, "Email", packet.business.staff.email)
    _sub(business, "Paper", int(packet.business.paper))

    signature = _sub(header, "DigitalSignature")
    etree.SubElement(
        signature, f"{{{DS_NS}}}Signature", nsmap={"ds": DS_NS}, Id="placeholder"
    )

    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = _sub(root, "AttachmentEncoded")
    for attachment in packet.attachments:
        reference = _sub(manifest, "Reference")
        reference.set(f"{{{XLINK_NS}}}href", f"cid:{attachment.content_id}")
        _sub(reference, "Description", attachment.description)
        _sub(reference, "AttachmentName", attachment.name)
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "ContentId", attachment.content_id)
        _sub(reference, "Sha256", hashlib.sha256(attachment.content).hexdigest())

        element = _sub(encoded, "Attachment")
        _sub(element, "ContentType", attachment.content_type)
        _sub(element, "ContentId", attachment.content_id)
        _sub(element, "Description", attachment.description)
        _sub(
            element,
            "ContentTransferEncoded",
            base64.b64encode(attachment.content).decode("ascii"),
        )
        _sub(element, "AttachmentName", attachment.name)
    return root


def packet_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


__all__ = ["NS", "packet_bytes", "packet_tree"]
