"""The receipt of payment (biên lai thu phí, lệ phí) as a PDF, drawn with reportlab
and DejaVu fonts like the one-stop forms (backoffice/dossiers/pdf_forms.py)."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from backoffice.core.pdf_fonts import dejavu

from .constants import vnd
from .models import Payment


def receipt_pdf(*, payment: Payment) -> bytes:
    regular, bold = dejavu("Serif")
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13)
    title = ParagraphStyle(
        "title", fontName=bold, fontSize=13, leading=17, alignment=TA_CENTER
    )
    center = ParagraphStyle(
        "center", fontName=regular, fontSize=10, leading=13, alignment=TA_CENTER
    )
    dossier = payment.dossier
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A5,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"Biên lai {payment.receipt_number}",
        author=dossier.agency.name,
    )
    paid_at = timezone.localtime(payment.paid_at).strftime("%H:%M ngày %d/%m/%Y")
    rows = [
        ("Số biên lai", payment.receipt_number),
        ("Mã hồ sơ", dossier.code),
        ("Người nộp", dossier.applicant_name),
        ("Thủ tục", f"{dossier.procedure.code} — {dossier.procedure.name}"),
        ("Nội dung thu", payment.fee_request.note or "Phí, lệ phí"),
        ("Số tiền", vnd(payment.amount)),
        ("Hình thức", "Thanh toán trực tuyến"),
        ("Đơn vị thanh toán", payment.provider),
        ("Mã giao dịch", payment.provider_transaction),
        ("Thời điểm thanh toán", paid_at),
    ]
    table = Table(
        [
            [Paragraph(escape(k), body), Paragraph(escape(str(v)), body)]
            for k, v in rows
        ],
        colWidths=[38 * mm, 86 * mm],
    )
    doc.build(
        [
            Paragraph(escape(dossier.agency.name.upper()), center),
            Spacer(1, 4 * mm),
            Paragraph("BIÊN LAI THU PHÍ, LỆ PHÍ", title),
            Spacer(1, 4 * mm),
            table,
        ]
    )
    return buffer.getvalue()
