"""The incoming register (sổ đăng ký văn bản đến) as a printable table.

Columns in the order of Art. 10.1.b; registered in apps.py under the name
"incoming" for `manage.py register_export` and the desk's print and XLSX links.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.registers import RegisterTable

from .models import IncomingDocument
from .selectors import incoming_register_rows


def register_columns() -> list[str]:
    return [
        _("Số đến"),
        _("Ngày đến"),
        _("Cơ quan ban hành"),
        _("Số, ký hiệu"),
        _("Ngày văn bản"),
        _("Lĩnh vực"),
        _("Loại văn bản"),
        _("Trích yếu nội dung"),
        _("Độ khẩn"),
        _("Số trang"),
        _("Hạn xử lý"),
        _("Tệp đính kèm"),
        _("Người ký"),
        _("Chức vụ người ký"),
        _("Nơi lưu"),
        _("Ghi chú"),
    ]


WIDTHS = [
    0.7,
    1.3,
    2.0,
    1.4,
    1.0,
    1.2,
    1.1,
    3.5,
    0.9,
    0.6,
    1.0,
    2.0,
    1.4,
    1.3,
    1.2,
    1.8,
]


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def register_row(document: IncomingDocument) -> list[str]:
    received = timezone.localtime(document.received_at)
    notes = [document.notes]
    if document.override_reason:
        notes.append(
            _("Vào sổ dù chữ ký không hợp lệ: %(reason)s")
            % {"reason": document.override_reason}
        )
    if document.duplicate_of_id:
        notes.append(
            _("Trùng văn bản số đến %(number)s")
            % {"number": document.duplicate_of.incoming_number}
        )
    return [
        str(document.incoming_number),
        received.strftime("%H:%M %d/%m/%Y"),
        document.issuer_name,
        document.number_symbol,
        _date(document.issued_on),
        document.field,
        document.get_document_type_display() if document.document_type else "",
        document.subject,
        document.get_urgency_display(),
        str(document.page_count or ""),
        _date(document.deadline),
        "\n".join(f.original_name for f in document.files.all()),
        document.signer_name,
        document.signer_position,
        document.storage_location,
        "\n".join(n for n in notes if n),
    ]


def incoming_register_table(
    *,
    agency: Agency,
    year: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> RegisterTable:
    """The incoming register of `agency` for `year` (and a date range)."""
    rows = incoming_register_rows(
        agency=agency, year=year, date_from=date_from, date_to=date_to
    ).select_related("duplicate_of")
    period = str(year)
    if date_from or date_to:
        period = _("%(year)s, từ %(start)s đến %(end)s") % {
            "year": year,
            "start": _date(date_from) or "…",
            "end": _date(date_to) or "…",
        }
    return RegisterTable(
        title=_("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"),
        subtitle=f"{agency.name} ({agency.code}) — {_('Năm')} {period}",
        columns=register_columns(),
        rows=[register_row(document) for document in rows],
        widths=WIDTHS,
    )
