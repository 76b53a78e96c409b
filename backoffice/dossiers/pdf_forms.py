"""One-stop forms as PDF (Circular 03/2025): 01 receipt and appointment slip.

Drawn with reportlab and DejaVu fonts, which carry every Vietnamese glyph.
"""

import datetime as dt
import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from backoffice.core.pdf_fonts import dejavu

from .models import Dossier


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = dejavu("Serif")
    return {
        "body": ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14),
        "small": ParagraphStyle("small", fontName=regular, fontSize=9, leading=11),
        "center": ParagraphStyle(
            "center", fontName=bold, fontSize=10.5, leading=14, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=14, leading=18, alignment=TA_CENTER
        ),
    }


def tracking_url(dossier: Dossier) -> str:
    """The absolute URL of the public lookup page, opened on this dossier.

    Resolved by name (`dossier-lookup`) in the site's default language, so the
    printed QR code and the e-mails follow the portal's URL configuration.
    """
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("dossier-lookup")
    query = urlencode({"code": dossier.code, "secret": dossier.lookup_secret})
    return f"{base}{path}?{query}"


def _qr(data: str, size_mm: float) -> Image:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return Image(buffer, width=size_mm * mm, height=size_mm * mm)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H giờ %M phút, ngày %d/%m/%Y")


def _header(dossier: Dossier, s: dict[str, ParagraphStyle]) -> Table:
    agency = dossier.agency
    parent = agency.parent.name.upper() if agency.parent else ""
    left = [
        Paragraph(parent, s["center"]),
        Paragraph(f"<u>{agency.name.upper()}</u>", s["center"]),
    ]
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", s["center"]),
        Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", s["center"]),
    ]
    table = Table([[left, right]], colWidths=[80 * mm, 95 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def receipt_pdf(
    *, dossier: Dossier, components: Iterable[tuple[str, str, int]], officer: str
) -> bytes:
    """Form 01: receipt and appointment slip (giấy tiếp nhận và hẹn trả kết quả).

    `components` are (name, original/copy label, count) rows as received.
    """
    s = _styles()
    buffer = io.BytesIO()
    doc = _document(
        buffer, title=f"Giấy tiếp nhận hồ sơ {dossier.code}", dossier=dossier
    )
    procedure = dossier.procedure
    story: list = [
        *_heading(dossier, s, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        Paragraph(f"{dossier.agency.name} đã tiếp nhận hồ sơ của:", s["body"]),
    ]
    applicant_rows = []
    if dossier.applicant_tax_code:
        # An organisation or business: its name and tax code, then who came.
        applicant_rows += [
            (
                f"Tên {dossier.get_applicant_type_display().lower()}",
                dossier.applicant_organisation,
            ),
            ("Mã số thuế", dossier.applicant_tax_code),
        ]
    applicant_rows += [
        (
            "Người đại diện nộp hồ sơ" if dossier.applicant_tax_code else "Ông/Bà",
            dossier.applicant_name,
        ),
        ("Số định danh cá nhân", dossier.applicant_id_number or "—"),
        ("Địa chỉ", dossier.applicant_address or "—"),
        ("Số điện thoại", dossier.applicant_phone or "—"),
        ("Thư điện tử", dossier.applicant_email or "—"),
    ]
    if dossier.representative_name:
        applicant_rows.append(
            (
                "Người nộp thay",
                f"{dossier.representative_name} "
                f"({dossier.representative_id_number or 'không ghi số định danh'})",
            )
        )
    story += [
        Paragraph(f"– {label}: {escape(value)}", s["body"])
        for label, value in applicant_rows
    ]
    story += [
        Paragraph(
            f"– Nội dung yêu cầu giải quyết: {procedure.code} — "
            f"{escape(procedure.name)}",
            s["body"],
        ),
        Spacer(1, 2 * mm),
        Paragraph("1. Thành phần hồ sơ nộp gồm:", s["body"]),
    ]
    rows = [["TT", "Tên giấy tờ", "Hình thức", "Số lượng"]]
    rows += [
        [
            str(i),
            Paragraph(escape(name), s["small"]),
            Paragraph(form, s["small"]),
            str(count),
        ]
        for i, (name, form, count) in enumerate(components, start=1)
    ]
    table = Table(rows, colWidths=[10 * mm, 105 * mm, 40 * mm, 20 * mm], repeatRows=1)
    regular, bold = dejavu("Serif")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 9),
                ("FONT", (0, 0), (-1, 0), bold, 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 3 * mm),
        Paragraph("2. Số lượng hồ sơ: 01 (bộ)", s["body"]),
        Paragraph(
            f"3. Thời gian giải quyết hồ sơ theo quy định: "
            f"{procedure.processing_days} ngày làm việc",
            s["body"],
        ),
        Paragraph(f"4. Thời gian nhận hồ sơ: {_local(dossier.received_at)}", s["body"]),
        Paragraph(
            f"5. Thời gian trả kết quả giải quyết hồ sơ: {_local(dossier.due_at)}",
            s["body"],
        ),
        Paragraph(
            f"6. Hình thức nhận kết quả: {dossier.get_result_delivery_display()}",
            s["body"],
        ),
        Paragraph(f"7. Phí, lệ phí: {escape(procedure.fees or 'Không')}", s["body"]),
        Paragraph(f"8. Kênh nộp: {dossier.get_channel_display()}", s["body"]),
        Spacer(1, 4 * mm),
    ]
    lookup = [
        Paragraph("Tra cứu tình trạng hồ sơ trên Cổng dịch vụ công:", s["small"]),
        Paragraph(f"Mã hồ sơ: <b>{dossier.code}</b>", s["small"]),
        Paragraph(f"Mã tra cứu: <b>{dossier.lookup_secret}</b>", s["small"]),
        Paragraph("Quét mã QR để mở trang tra cứu.", s["small"]),
    ]
    signature = [
        Paragraph("NGƯỜI TIẾP NHẬN", s["center"]),
        Paragraph("(Ký điện tử)", s["small"]),
        Spacer(1, 10 * mm),
        Paragraph(escape(officer), s["center"]),
    ]
    bottom = Table(
        [[_qr(tracking_url(dossier), 32), lookup, signature]],
        colWidths=[36 * mm, 75 * mm, 64 * mm],
    )
    bottom.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(bottom)
    doc.build(story)
    return buffer.getvalue()


def _document(buffer: io.BytesIO, *, title: str, dossier: Dossier) -> SimpleDocTemplate:
    """An A4 page in the margins of every one-stop form."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=dossier.agency.name,
    )


def _heading(dossier: Dossier, s: dict[str, ParagraphStyle], title: str) -> list:
    """The agency header, the form's title and the dossier code."""
    return [
        _header(dossier, s),
        Spacer(1, 6 * mm),
        Paragraph(title, s["title"]),
        Paragraph(f"Mã hồ sơ: {dossier.code}", s["center"]),
        Spacer(1, 4 * mm),
    ]


def _letter(
    *, dossier: Dossier, title: str, paragraphs: list[str], officer: str
) -> bytes:
    """A one-page notice to the applicant (forms 02 and 03) in the same layout."""
    s = _styles()
    buffer = io.BytesIO()
    doc = _document(buffer, title=f"{title} — {dossier.code}", dossier=dossier)
    story: list = [
        *_heading(dossier, s, title),
        Paragraph(f"Kính gửi: Ông/Bà {escape(dossier.applicant_name)}", s["body"]),
        Paragraph(
            f"{dossier.agency.name} tiếp nhận hồ sơ đề nghị "
            f"{escape(dossier.procedure.name)} (mã thủ tục {dossier.procedure.code}), "
            f"lúc {_local(dossier.received_at)}.",
            s["body"],
        ),
    ]
    story += [Paragraph(text, s["body"]) for text in paragraphs]
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            "Mọi thắc mắc xin liên hệ Bộ phận tiếp nhận và trả kết quả.", s["small"]
        ),
        Spacer(1, 8 * mm),
        Paragraph("NGƯỜI TIẾP NHẬN HỒ SƠ", s["center"]),
        Spacer(1, 14 * mm),
        Paragraph(escape(officer), s["center"]),
    ]
    doc.build(story)
    return buffer.getvalue()


def supplement_request_pdf(
    *, dossier: Dossier, components: list[str], reason: str, officer: str
) -> bytes:
    """Form 02: request to supplement or complete the dossier."""
    items = "".join(f"<br/>– {escape(name)}" for name in components)
    return _letter(
        dossier=dossier,
        title="PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        paragraphs=[
            "Sau khi xem xét, hồ sơ cần bổ sung, hoàn thiện các nội dung sau:" + items,
            f"Lý do: {escape(reason)}",
            "Thời gian chờ bổ sung không tính vào thời hạn giải quyết hồ sơ.",
        ],
        officer=officer,
    )


def refusal_pdf(*, dossier: Dossier, reason: str, officer: str) -> bytes:
    """Form 03: refusal to accept the dossier."""
    return _letter(
        dossier=dossier,
        title="PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        paragraphs=[
            "Qua xem xét, cơ quan không tiếp nhận, giải quyết hồ sơ này với lý do:",
            escape(reason),
        ],
        officer=officer,
    )
