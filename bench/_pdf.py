"""Text PDFs of a chosen length for the benchmarks (Vietnamese, DejaVu Sans)."""

import io


def text_pdf(pages: int, title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from backoffice.core.pdf_fonts import dejavu

    regular, _bold = dejavu("Sans")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        page.setFont(regular, 12)
        page.drawString(72, 780, f"{title} — trang {number}/{pages}")
        for line in range(40):
            page.drawString(72, 740 - line * 16, f"Điều {line + 1}. Nội dung văn bản.")
        page.showPage()
    page.save()
    return buffer.getvalue()
