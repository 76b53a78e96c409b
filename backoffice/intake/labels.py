"""Label for paper kept on paper (Art. 10.3.a): procedure code and dossier code.

A6 landscape, the size of a box or folder label; the QR code carries the same two
codes so the bundle can be found again with any phone or the counter scanner.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from reportlab.lib.pagesizes import A6, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from backoffice.core.pdf_fonts import dejavu

PAYLOAD_PREFIX = "MOTCUA|1|PAPER"


@dataclass(frozen=True)
class PaperItem:
    name: str
    copy_form: str
    count: int
    location: str


def paper_label_payload(*, dossier_code: str, procedure_code: str) -> str:
    return f"{PAYLOAD_PREFIX}|{dossier_code}|{procedure_code}"


def _fit(c: canvas.Canvas, text: str, font: str, size: float, width: float) -> str:
    if c.stringWidth(text, font, size) <= width:
        return text
    while text and c.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def paper_label_pdf(
    *,
    dossier_code: str,
    procedure_code: str,
    procedure_name: str,
    agency_name: str,
    applicant_name: str,
    items: Sequence[PaperItem],
) -> bytes:
    """One A6 label; a second one follows when the item list does not fit."""
    regular, bold = dejavu("Sans")
    width, height = landscape(A6)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    c.setTitle(f"Nhãn hồ sơ giấy – {dossier_code}")
    c.setAuthor(agency_name)
    qr = io.BytesIO()
    segno.make(
        paper_label_payload(dossier_code=dossier_code, procedure_code=procedure_code),
        error="m",
    ).save(qr, kind="png", scale=8, border=2)
    rows = list(items) or [PaperItem("(toàn bộ hồ sơ giấy)", "", 0, "")]
    per_page = 5
    for start in range(0, len(rows), per_page):
        margin = 7 * mm
        text_width = width - 2 * margin - 36 * mm
        y = height - margin - 4 * mm
        c.setFont(regular, 8)
        c.drawString(margin, y, _fit(c, agency_name.upper(), regular, 8, text_width))
        y -= 9 * mm
        c.setFont(bold, 9)
        c.drawString(margin, y, "MÃ THỦ TỤC")
        c.setFont(bold, 20)
        c.drawString(margin + 27 * mm, y - 1 * mm, procedure_code)
        y -= 10 * mm
        c.setFont(bold, 9)
        c.drawString(margin, y, "MÃ HỒ SƠ")
        size, room = 14.0, text_width - 29 * mm
        while size > 7 and c.stringWidth(dossier_code, bold, size) > room:
            size -= 0.5
        c.setFont(bold, size)
        c.drawString(margin + 27 * mm, y - 0.5 * mm, dossier_code)
        y -= 6 * mm
        c.setFont(regular, 8)
        c.drawString(margin, y, _fit(c, procedure_name, regular, 8, text_width))
        y -= 4 * mm
        c.drawString(
            margin, y, _fit(c, f"Người nộp: {applicant_name}", regular, 8, text_width)
        )
        qr.seek(0)
        c.drawImage(
            ImageReader(qr),
            width - margin - 34 * mm,
            height - margin - 36 * mm,
            34 * mm,
            34 * mm,
        )
        y -= 6 * mm
        c.setFont(bold, 8)
        c.drawString(margin, y, "Bản giấy lưu giữ (không số hóa):")
        for item in rows[start : start + per_page]:
            y -= 4.5 * mm
            c.setFont(regular, 8)
            detail = f"{item.copy_form}, {item.count} bản" if item.count else ""
            line = f"• {item.name}" + (f" — {detail}" if detail else "")
            c.drawString(margin, y, _fit(c, line, regular, 8, width - 2 * margin))
            if item.location:
                y -= 3.8 * mm
                c.drawString(
                    margin + 4 * mm,
                    y,
                    _fit(c, f"Vị trí: {item.location}", regular, 8, width - 2 * margin),
                )
        c.setFont(regular, 6)
        c.drawString(
            margin,
            4 * mm,
            "Lưu trữ theo Điều 10.3.a Quy định ban hành kèm Quyết định 15/2016/QĐ-UBND",
        )
        c.showPage()
    c.save()
    return buffer.getvalue()
