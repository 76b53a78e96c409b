"""Metadata XML of archive packages: one for the file, one per filed document.

Our own schema (namespace `urn:motcua:archive:1`), documented in the README. Its
fields are those of the catalogue and the registers, named after the archive
metadata of Circular 02/2019/TT-BNV (hồ sơ: mã hồ sơ, tiêu đề, thời hạn bảo
quản, thời gian bắt đầu/kết thúc, tổng số văn bản, tổng số trang; văn bản: số,
ký hiệu, ngày, tên loại, trích yếu, cơ quan ban hành, người ký, số trang) [?]:
each element carries that Vietnamese label in its `label` attribute.
"""

import xml.etree.ElementTree as ET
from typing import Any

from .constants import ItemKind
from .contents import FiledDocument
from .models import EFile

NAMESPACE = "urn:motcua:archive:1"


def _add(parent: ET.Element, tag: str, value: object, label: str) -> None:
    element = ET.SubElement(parent, tag, {"label": label})
    if value is None:
        element.text = ""
    elif hasattr(value, "isoformat"):
        element.text = value.isoformat()
    else:
        element.text = str(value)


def _bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def efile_xml(efile: EFile) -> bytes:
    """The file's metadata: catalogue entry, dates, counts, retention."""
    entry = efile.entry
    retention = entry.retention
    root = ET.Element("efile", {"xmlns": NAMESPACE, "version": "1"})
    _add(root, "id", efile.pk, "Mã hồ sơ trong hệ thống")
    _add(root, "agencyCode", efile.agency.code, "Mã định danh cơ quan")
    _add(root, "agencyName", efile.agency.name, "Tên cơ quan")
    _add(root, "catalogueYear", entry.year, "Năm danh mục hồ sơ")
    _add(root, "catalogueCode", entry.code, "Số và ký hiệu hồ sơ trong danh mục")
    _add(root, "fileCode", efile.code, "Mã hồ sơ")
    _add(root, "title", efile.title, "Tiêu đề hồ sơ")
    _add(root, "responsibleUnit", entry.responsible_unit, "Đơn vị lập hồ sơ")
    _add(
        root,
        "responsiblePerson",
        efile.responsible.get_full_name() or efile.responsible.get_username(),
        "Người lập hồ sơ",
    )
    _add(root, "retention", retention.name, "Thời hạn bảo quản")
    _add(
        root,
        "retentionYears",
        "permanent" if retention.years is None else retention.years,
        "Số năm bảo quản",
    )
    _add(root, "startDate", efile.opened_on, "Thời gian bắt đầu")
    _add(root, "endDate", efile.closed_on, "Thời gian kết thúc")
    _add(root, "documentCount", efile.document_count, "Tổng số văn bản trong hồ sơ")
    _add(root, "pageCount", efile.page_count, "Tổng số trang của hồ sơ")
    _add(root, "language", "vi", "Ngôn ngữ")
    _add(root, "notes", entry.notes, "Ghi chú")
    return _bytes(root)


def _incoming(root: ET.Element, document: Any) -> None:
    _add(root, "registerNumber", document.incoming_number, "Số đến")
    _add(root, "registerYear", document.year, "Năm")
    _add(root, "receivedAt", document.received_at, "Ngày đến")
    _add(root, "issuer", document.issuer_name, "Cơ quan ban hành")
    _add(root, "issuerCode", document.issuer_code, "Mã cơ quan ban hành")
    _add(root, "numberSymbol", document.number_symbol, "Số, ký hiệu văn bản")
    _add(root, "issuedOn", document.issued_on, "Ngày tháng năm văn bản")
    _add(root, "documentType", document.get_document_type_display(), "Tên loại")
    _add(root, "subject", document.subject, "Trích yếu nội dung")
    _add(root, "field", document.field, "Lĩnh vực")
    _add(root, "urgency", document.get_urgency_display(), "Độ khẩn")
    _add(root, "confidentiality", document.get_confidentiality_display(), "Độ mật")
    _add(root, "signer", document.signer_name, "Người ký")
    _add(root, "signerPosition", document.signer_position, "Chức vụ người ký")
    _add(root, "pages", document.page_count, "Số lượng trang")
    _add(root, "signatureVerdict", document.verdict, "Kết quả kiểm tra chữ ký số")


def _outgoing(root: ET.Element, document: Any) -> None:
    _add(root, "registerNumber", document.number, "Số")
    _add(root, "registerYear", document.year, "Năm")
    _add(root, "numberSymbol", document.number_symbol, "Số, ký hiệu văn bản")
    _add(root, "issuedOn", document.released_at, "Ngày tháng năm văn bản")
    _add(root, "documentType", document.get_document_type_display(), "Tên loại")
    _add(root, "subject", document.subject, "Trích yếu nội dung")
    _add(root, "draftingUnit", document.drafting_unit, "Đơn vị soạn thảo")
    _add(root, "field", document.field, "Lĩnh vực")
    _add(root, "urgency", document.get_urgency_display(), "Độ khẩn")
    _add(root, "confidentiality", document.get_confidentiality_display(), "Độ mật")
    _add(root, "signer", document.signer_name, "Người ký")
    _add(root, "signerPosition", document.signer_position, "Chức vụ người ký")
    _add(root, "pages", document.pages, "Số lượng trang")


def _dossier(root: ET.Element, dossier: Any) -> None:
    _add(root, "dossierCode", dossier.code, "Mã hồ sơ thủ tục")
    _add(root, "procedureCode", dossier.procedure.code, "Mã thủ tục")
    _add(root, "procedureName", dossier.procedure.name, "Tên thủ tục")
    _add(root, "channel", dossier.get_channel_display(), "Kênh nộp")
    _add(root, "applicant", dossier.applicant_name, "Người nộp")
    _add(root, "receivedAt", dossier.received_at, "Thời điểm tiếp nhận")
    _add(root, "dueAt", dossier.due_at, "Hẹn trả kết quả")
    _add(root, "finishedAt", dossier.finished_at, "Thời điểm kết thúc")
    _add(root, "status", dossier.get_status_display(), "Trạng thái")


def _free(root: ET.Element, document: Any) -> None:
    _add(root, "title", document.title, "Tên tài liệu")
    _add(root, "documentType", document.get_kind_display(), "Tên loại")
    _add(root, "issuedOn", document.document_date, "Ngày tháng năm văn bản")
    _add(root, "author", document.author, "Tác giả")
    _add(root, "pages", document.pages, "Số lượng trang")


WRITERS = {
    ItemKind.INCOMING: ("incoming", _incoming),
    ItemKind.OUTGOING: ("outgoing", _outgoing),
    ItemKind.DOSSIER: ("dossier", _dossier),
    ItemKind.FREE: ("free", _free),
}


def document_xml(
    filed: FiledDocument, *, number: int, files: list[dict[str, Any]]
) -> bytes:
    """One filed item's metadata: its register fields and its files (with the
    PDF/A outcome of each PDF)."""
    item = filed.item
    attribute, writer = WRITERS[item.kind]
    root = ET.Element("document", {"xmlns": NAMESPACE, "version": "1"})
    _add(root, "position", number, "Số thứ tự văn bản trong hồ sơ")
    _add(root, "kind", item.kind, "Loại")
    _add(root, "filedAt", item.filed_at, "Ngày đưa vào hồ sơ")
    writer(root, getattr(item, attribute))
    listing = ET.SubElement(root, "files", {"label": "Tệp"})
    for info in files:
        element = ET.SubElement(
            listing,
            "file",
            {
                "path": info["path"],
                "sha256": info["sha256"],
                "size": str(info["size"]),
                "mediaType": info["media_type"],
                "role": info["role"],
                "pages": "" if info["pages"] is None else str(info["pages"]),
            },
        )
        element.text = info["name"]
        pdfa = info.get("pdfa")
        if pdfa:
            ET.SubElement(
                element,
                "pdfa",
                {
                    "status": pdfa["status"],
                    "path": pdfa.get("path", ""),
                    "reason": pdfa.get("reason", ""),
                },
            )
    return _bytes(root)
