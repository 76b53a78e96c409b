"""One-stop forms of the processing stage (Circular 03/2025), drawn with reportlab
in the layout of pdf_forms.py: 04 apology and new appointment, 05 notice of
stopping, 06 processing control sheet, and the notice refusing to settle a dossier
after processing."""

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.utils import timezone

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from backoffice.core.models import Agency

from .models import Dossier, DossierStep
from .pdf_forms import _document, _header, _heading, _local, _styles


def _notice(
    *, dossier: Dossier, title: str, paragraphs: list[str], signer: str
) -> bytes:
    s = _styles()
    buffer = io.BytesIO()
    story: list = [
        *_heading(dossier, s, title),
        Paragraph(f"Kính gửi: Ông/Bà {escape(dossier.applicant_name)}", s["body"]),
        Paragraph(
            f"Ngày {_local(dossier.received_at)}, {escape(dossier.agency.name)} "
            f"tiếp nhận hồ sơ đề nghị {escape(dossier.procedure.name)} "
            f"(mã thủ tục {dossier.procedure.code}).",
            s["body"],
        ),
    ]
    story += [Paragraph(text, s["body"]) for text in paragraphs]
    story += [
        Spacer(1, 8 * mm),
        Paragraph("THỦ TRƯỞNG CƠ QUAN", s["center"]),
        Paragraph("(Ký số)", s["small"]),
        Spacer(1, 12 * mm),
        Paragraph(escape(signer), s["center"]),
    ]
    _document(buffer, title=f"{title} — {dossier.code}", dossier=dossier).build(story)
    return buffer.getvalue()


def apology_pdf(
    *, dossier: Dossier, reason: str, old_due: dt.datetime, leader: str
) -> bytes:
    """Form 04: apology letter and request to extend (phiếu xin lỗi và hẹn lại
    ngày trả kết quả); `dossier.due_at` is already the new appointment."""
    return _notice(
        dossier=dossier,
        title="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        paragraphs=[
            f"Thời hạn giải quyết theo quy định: {_local(old_due)}.",
            "Tuy nhiên đến nay, cơ quan chưa trả kết quả giải quyết hồ sơ của "
            f"Ông/Bà. Lý do: {escape(reason)}",
            "Cơ quan thành thật xin lỗi Ông/Bà vì sự chậm trễ này và hẹn trả kết "
            f"quả vào {_local(dossier.due_at)}.",
        ],
        signer=leader,
    )


def refusal_decision_pdf(*, dossier: Dossier, reason: str, leader: str) -> bytes:
    """The written answer refusing to settle the dossier, with the reason."""
    return _notice(
        dossier=dossier,
        title="THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ",
        paragraphs=[
            "Sau khi thẩm định, cơ quan không giải quyết hồ sơ của Ông/Bà với lý "
            f"do: {escape(reason)}",
            "Ông/Bà nhận lại hồ sơ tại Bộ phận tiếp nhận và trả kết quả.",
        ],
        signer=leader,
    )


def stop_notice_pdf(
    *, dossier: Dossier, reason: str, leader: str, agency: Agency, at: dt.datetime
) -> bytes:
    """Form 05: notice of stopping the processing of the dossier (thông báo về
    việc dừng xử lý hồ sơ), with the reason, issued by the agency holding it."""
    return _notice(
        dossier=dossier,
        title="THÔNG BÁO VỀ VIỆC DỪNG XỬ LÝ HỒ SƠ",
        paragraphs=[
            "Căn cứ Nghị định số 118/2025/NĐ-CP của Chính phủ về thực hiện thủ tục "
            "hành chính theo cơ chế một cửa, một cửa liên thông và Thông tư số "
            "03/2025/TT-VPCP,",
            f"{escape(agency.name)} thông báo dừng xử lý hồ sơ của Ông/Bà kể từ "
            f"{_local(at)}.",
            f"Lý do: {escape(reason)}",
            "Hồ sơ không tiếp tục được giải quyết; ngày hẹn trả kết quả trước đây "
            "không còn hiệu lực. Ông/Bà nhận lại hồ sơ giấy (nếu có) tại Bộ phận "
            "tiếp nhận và trả kết quả. Nếu vẫn có nhu cầu, Ông/Bà có thể nộp hồ sơ "
            "mới theo quy định.",
        ],
        signer=leader,
    )


def _step_result(step: DossierStep, now: dt.datetime) -> str:
    if step.finished_at is None:
        return "Đang xử lý" if step.state == DossierStep.State.ACTIVE else ""
    if step.due_at is None:
        return "Đã xong"
    if step.finished_at > step.due_at:
        return "Quá hạn"
    if (
        timezone.localtime(step.finished_at).date()
        < timezone.localtime(step.due_at).date()
    ):
        return "Trước hạn"
    return "Đúng hạn"


def _moment(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def control_sheet_pdf(*, dossier: Dossier, now: dt.datetime | None = None) -> bytes:
    """Form 06: processing control sheet (phiếu kiểm soát quá trình giải quyết hồ
    sơ) — every step, who held it, when it was handed on, on time or late."""
    moment = now or timezone.now()
    s = _styles()
    cell = ParagraphStyle("cell", parent=s["small"], fontSize=8.5, leading=10.5)
    buffer = io.BytesIO()
    head = [
        "TT",
        "Bước, cơ quan",
        "Người xử lý",
        "Nhận lúc",
        "Hạn",
        "Giao lúc",
        "Kết quả",
    ]
    rows = [[Paragraph(f"<b>{h}</b>", cell) for h in head]]
    steps = dossier.steps.select_related("agency", "assignee").order_by("position")
    for step in steps:
        person = step.assignee.get_full_name() if step.assignee else ""
        rows.append(
            [
                Paragraph(str(step.position), cell),
                Paragraph(
                    f"{escape(step.name)}<br/>{escape(step.agency.name)}",
                    cell,
                ),
                Paragraph(escape(person), cell),
                Paragraph(_moment(step.started_at), cell),
                Paragraph(_moment(step.due_at), cell),
                Paragraph(_moment(step.finished_at), cell),
                Paragraph(_step_result(step, moment), cell),
            ]
        )
    table = Table(
        rows,
        colWidths=[9 * mm, 45 * mm, 30 * mm, 23 * mm, 23 * mm, 23 * mm, 22 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story: list = [
        _header(dossier, s),
        Spacer(1, 6 * mm),
        Paragraph("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", s["title"]),
        Paragraph(f"Mã hồ sơ: {dossier.code}", s["center"]),
        Spacer(1, 3 * mm),
        Paragraph(
            f"Người nộp: {escape(dossier.applicant_name)}. Thủ tục: "
            f"{dossier.procedure.code} — {escape(dossier.procedure.name)}.",
            s["body"],
        ),
        Paragraph(
            f"Tiếp nhận: {_local(dossier.received_at)}. Hẹn trả kết quả: "
            f"{_local(dossier.due_at)}. Tình trạng: "
            f"{dossier.get_status_display()}.",
            s["body"],
        ),
        Spacer(1, 4 * mm),
        table,
    ]
    _document(buffer, title=f"Phiếu kiểm soát — {dossier.code}", dossier=dossier).build(
        story
    )
    return buffer.getvalue()
