"""Small real PDFs for demo dossiers: a titled page of Vietnamese text."""

import hashlib
import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from backoffice.core.pdf_fonts import dejavu
from backoffice.dossiers.uploads import CheckedUpload


def demo_pdf(*, title: str, lines: list[str]) -> bytes:
    regular, _bold = dejavu("Sans")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    page.setFont(regular, 15)
    page.drawCentredString(width / 2, height - 90, title)
    page.setFont(regular, 11)
    for i, line in enumerate(lines):
        page.drawString(70, height - 140 - 18 * i, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def demo_upload(*, name: str, title: str, lines: list[str]) -> CheckedUpload:
    content = demo_pdf(title=title, lines=lines)
    return CheckedUpload(
        name=name,
        media_type="application/pdf",
        extension="pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=1,
        content=content,
    )
