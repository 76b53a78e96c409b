"""Register books (sổ đăng ký văn bản): a registry of exporters and two printers.

A register book is named ("incoming", "outgoing", …) and owned by the app that
keeps it: that app registers an exporter in its `AppConfig.ready()`
(`register_book_register`). An exporter takes `agency`, `year` and optionally a date
range and returns a `RegisterTable` — the title, the column headings in the legal
order, one row of strings per entry. The core prints any table as XLSX (openpyxl)
or PDF (reportlab, landscape A4, DejaVu fonts for Vietnamese, the header repeated
on every page), so `manage.py register_export` needs no knowledge of the books.
"""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .models import Agency
from .pdf_fonts import dejavu


@dataclass(frozen=True)
class RegisterTable:
    """A register for one agency and period, ready to print."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    subtitle: str = ""
    # Relative widths of the columns in the PDF (None: equal widths).
    widths: list[float] | None = field(default=None)


class RegisterExporter(Protocol):
    def __call__(
        self,
        *,
        agency: Agency,
        year: int,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> RegisterTable: ...


_BOOKS: dict[str, RegisterExporter] = {}


def register_book_register(name: str, exporter: RegisterExporter) -> None:
    """Make the book `name` printable; registering a name again replaces it."""
    if not name or not callable(exporter):
        raise ValueError("A register book needs a name and a callable exporter.")
    _BOOKS[name] = exporter


def register_book_get(name: str) -> RegisterExporter | None:
    """The exporter of the book `name`, or None when no app keeps that book."""
    return _BOOKS.get(name)


def register_book_names() -> list[str]:
    """Names of the registered books, sorted."""
    return sorted(_BOOKS)


def register_table_xlsx(table: RegisterTable) -> bytes:
    """The table as an XLSX workbook: title rows, a bold frozen header, the rows,
    wrapped text and print settings for landscape A4 with the header repeated."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31] or "Sheet"
    width = max(len(table.columns), 1)
    sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    header_row = 2
    if table.subtitle:
        sheet.cell(row=2, column=1, value=table.subtitle)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        header_row = 3
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, heading in enumerate(table.columns, start=1):
        cell = sheet.cell(row=header_row, column=column, value=heading)
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for offset, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=header_row + offset, column=column, value=value)
            cell.border, cell.alignment = border, wrap
    widths = table.widths or [1.0] * len(table.columns)
    for column, weight in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(8, 10 * weight)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_table_pdf(table: RegisterTable) -> bytes:
    """The table as a landscape A4 PDF; the header row repeats on every page and
    long cells wrap, so the register prints in full."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus.tables import LongTable

    regular, bold = dejavu("Sans")
    cell = ParagraphStyle("cell", fontName=regular, fontSize=7, leading=8.5)
    head = ParagraphStyle("head", fontName=bold, fontSize=7, leading=8.5)
    title = ParagraphStyle("title", fontName=bold, fontSize=13, leading=16, alignment=1)
    subtitle = ParagraphStyle(
        "subtitle", fontName=regular, fontSize=9, leading=12, alignment=1
    )
    page = landscape(A4)
    margin = 10 * mm
    usable = page[0] - 2 * margin
    weights = table.widths or [1.0] * max(len(table.columns), 1)
    total = sum(weights) or 1.0
    widths = [usable * weight / total for weight in weights]

    def para(text: Any, style: ParagraphStyle) -> Paragraph:
        escaped = (
            str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        )
        return Paragraph(escaped.replace("\n", "<br/>"), style)

    data = [[para(heading, head) for heading in table.columns]]
    data += [[para(value, cell) for value in row] for row in table.rows]
    if not table.rows:
        data.append([para("", cell) for _ in table.columns])
    grid = LongTable(data, colWidths=widths, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story: list[Any] = [para(table.title, title)]
    if table.subtitle:
        story.append(para(table.subtitle, subtitle))
    story += [Spacer(1, 4 * mm), grid]

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.drawRightString(page[0] - margin, 6 * mm, f"{document.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=table.title,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


RegisterFormatter = Callable[[RegisterTable], bytes]
REGISTER_FORMATS: dict[str, RegisterFormatter] = {
    "xlsx": register_table_xlsx,
    "pdf": register_table_pdf,
}
