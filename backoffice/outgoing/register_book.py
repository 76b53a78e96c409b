"""The outgoing register (sổ đăng ký văn bản đi) as a printable table.

Columns in the order of Art. 11.1.d; registered in apps.py under the name
"outgoing" for `manage.py register_export` and the register page's print and
XLSX links. Recalled documents keep their row (and number): no gap.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.registers import RegisterTable

from .constants import FileKind, FileRole, OutgoingStatus
from .models import OutgoingDocument
from .selectors import outgoing_register_rows


def register_columns() -> list[str]:
    return [
        _("Số"),
        _("Ngày phát hành"),
        _("Cơ quan ban hành"),
        _("Số, ký hiệu"),
        _("Ngày văn bản"),
        _("Lĩnh vực"),
        _("Đơn vị soạn thảo"),
        _("Loại văn bản"),
        _("Trích yếu nội dung"),
        _("Người ký"),
        _("Chức vụ người ký"),
        _("Nơi lưu"),
        _("Ghi chú"),
        _("Nơi nhận (tình trạng gửi)"),
        _("Độ khẩn"),
        _("Số trang"),
        _("Hạn trả lời"),
        _("Tệp đính kèm"),
    ]


WIDTHS = [
    0.5,
    1.1,
    1.6,
    1.4,
    0.9,
    1.0,
    1.1,
    1.0,
    3.0,
    1.3,
    1.1,
    1.1,
    2.0,
    2.6,
    0.8,
    0.5,
    0.9,
    1.6,
]


def paper_note(document: OutgoingDocument) -> str:
    """The Art. 9 flag as the register and the page show it."""
    if document.paper_override is not None:
        state = (
            _("Có gửi bản giấy") if document.paper_override else _("Không gửi bản giấy")
        )
        return _("%(state)s (điều chỉnh: %(reason)s)") % {
            "state": state,
            "reason": document.paper_override_reason,
        }
    if document.paper_required:
        return _("Có gửi bản giấy: %(reason)s") % {
            "reason": document.paper_reason_label()
        }
    return ""


def register_row(document: OutgoingDocument) -> list[str]:
    released = timezone.localtime(document.released_at)
    notes = [document.notes, paper_note(document)]
    if document.status == OutgoingStatus.CANCELLED:
        notes.append(_("Đã thu hồi: %(reason)s") % {"reason": document.cancel_reason})
    recipients = [
        f"{r.label} ({r.get_status_display()})" for r in document.recipients.all()
    ]
    attachments = [
        f.original_name
        for f in document.files.all()
        if f.kind == FileKind.SIGNED and f.role == FileRole.ATTACHMENT
    ]
    return [
        f"{document.number:02d}",
        released.strftime("%d/%m/%Y"),
        document.agency.name,
        document.number_symbol,
        released.strftime("%d/%m/%Y"),
        document.field,
        document.drafting_unit,
        document.get_document_type_display(),
        document.subject,
        document.signer_name,
        document.signer_position,
        document.file_copy_holder,
        "\n".join(n for n in notes if n),
        "\n".join(recipients),
        document.get_urgency_display(),
        str(document.pages or ""),
        document.deadline.strftime("%d/%m/%Y") if document.deadline else "",
        "\n".join(attachments),
    ]


def outgoing_register_table(
    *,
    agency: Agency,
    year: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> RegisterTable:
    """The register of `agency` for `year` (optionally a date range), by number."""
    rows = [
        register_row(document)
        for document in outgoing_register_rows(
            agency=agency, year=year, date_from=date_from, date_to=date_to
        )
    ]
    period = str(year)
    if date_from or date_to:
        period = _("%(start)s – %(end)s") % {
            "start": date_from.strftime("%d/%m/%Y") if date_from else "",
            "end": date_to.strftime("%d/%m/%Y") if date_to else "",
        }
    return RegisterTable(
        title=_("SỔ ĐĂNG KÝ VĂN BẢN ĐI"),
        subtitle=_("%(agency)s — năm %(period)s")
        % {
            "agency": agency.name,
            "period": period,
        },
        columns=register_columns(),
        rows=rows,
        widths=WIDTHS,
    )
