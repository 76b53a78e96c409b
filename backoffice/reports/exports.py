"""The report as XLSX (one sheet per section) and PDF (tables and charts, DejaVu
fonts for Vietnamese)."""

import datetime as dt
import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from backoffice.core.pdf_fonts import dejavu

from .charts import chart_figures, figure_png
from .sections import report_sections


def report_xlsx(report: dict) -> bytes:
    """A workbook: a cover sheet, then one sheet per section."""
    book = Workbook()
    cover = book.active
    cover.title = "report"
    bold = Font(bold=True)
    cover.append([_("Báo cáo tình hình ứng dụng văn bản điện tử và dịch vụ công")])
    cover["A1"].font = Font(bold=True, size=13)
    cover.append([_("Kỳ báo cáo"), report["period"]["label"], report["period"]["key"]])
    cover.append([_("Phạm vi"), report["scope"]["name"], report["scope"]["agency"]])
    cover.append([_("Số liệu tính đến"), report["as_of"]])
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 60
    for section in report_sections(report):
        sheet = book.create_sheet(section.key[:31])
        sheet.append([section.title])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append(section.headers)
        for cell in sheet[2]:
            cell.font = bold
        for row in section.rows:
            sheet.append(row)
        for index, _header in enumerate(section.headers):
            letter = chr(ord("A") + index)
            sheet.column_dimensions[letter].width = 48 if index <= 1 else 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(report: dict) -> bytes:
    """A4 report: heading, then each section's chart (as an image) and table."""
    regular, bold = dejavu("Sans")
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=7, leading=9)
    head = ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9)
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=14, leading=18, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=8)
    charts = chart_figures(report)
    width = A4[0] - 30 * mm
    story: list = [
        Paragraph(_("Báo cáo tình hình ứng dụng văn bản điện tử và dịch vụ công"), h1),
        Paragraph(f"{_('Kỳ báo cáo')}: {escape(report['period']['label'])}", body),
        Paragraph(f"{_('Phạm vi')}: {escape(report['scope']['name'])}", body),
        Paragraph(f"{_('Số liệu tính đến')}: {_as_of(report)}", body),
    ]
    for section in report_sections(report):
        block: list = [Paragraph(escape(section.title), h2), Spacer(1, 2 * mm)]
        if section.chart:
            figure = charts[section.chart]
            w, h = figure.get_size_inches()
            png = io.BytesIO(figure_png(figure, dpi=150))
            scale = min(1.0, width / (w * 72))
            block.append(Image(png, width=w * 72 * scale, height=h * 72 * scale))
        rows = [[Paragraph(escape(str(h)), head) for h in section.headers]]
        rows += [[Paragraph(escape(str(v)), cell) for v in row] for row in section.rows]
        if len(rows) == 1:
            rows.append(
                [Paragraph(_("Không có số liệu."), cell)]
                + [""] * (len(section.headers) - 1)
            )
        table = Table(rows, repeatRows=1, colWidths=_widths(section.headers, width))
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(KeepTogether(block))
        story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Báo cáo %(period)s") % {"period": report["period"]["key"]},
    ).build(story)
    return out.getvalue()


def _as_of(report: dict) -> str:
    """`as_of` as the page shows it: 07:22 01/12/2026."""
    moment = dt.datetime.fromisoformat(report["as_of"])
    return f"{moment:%H:%M %d/%m/%Y}"


def _widths(headers: list[str], width: float) -> list[float]:
    if len(headers) == 2:
        return [width * 0.7, width * 0.3]
    rest = (width * 0.69) / (len(headers) - 2)
    return [width * 0.11, width * 0.2] + [rest] * (len(headers) - 2)
