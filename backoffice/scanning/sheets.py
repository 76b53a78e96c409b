"""QR cover and separator sheets, printed at the counter before a dossier is scanned.

A batch is scanned as: cover sheet, separator for component 1, its pages, separator
for component 2, its pages, … and the next dossier's cover. The scan pipeline reads
the QR codes and splits the batch by them, so the payload format below is a contract
between the printed sheet and the pipeline: change it only with a new version number.

Payloads (plain text, UTF-8):
    MOTCUA|1|COVER|{dossier_code}|{procedure_code}
    MOTCUA|1|SEP|{dossier_code}|{procedure_code}|{position}|{component name}
"""

import io
import unicodedata
from dataclasses import dataclass

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from backoffice.core.pdf_fonts import dejavu

PREFIX = "MOTCUA"
VERSION = "1"
COVER = "COVER"
SEPARATOR = "SEP"
SEP_CHAR = "|"
# Long names make a denser QR code that reads worse on a poor scan; the position
# identifies the component anyway, the name is only there for a human reader.
NAME_MAX_CHARS = 60


@dataclass(frozen=True)
class SheetPayload:
    kind: str  # COVER or SEPARATOR
    dossier_code: str
    procedure_code: str
    position: int | None = None
    component_name: str = ""

    @property
    def is_cover(self) -> bool:
        return self.kind == COVER


def _clean(value: str) -> str:
    # The separator character and line breaks would corrupt the payload.
    text = unicodedata.normalize("NFC", str(value))
    return " ".join(text.replace(SEP_CHAR, "/").split())


def _short_name(name: str) -> str:
    name = _clean(name)
    if len(name) <= NAME_MAX_CHARS:
        return name
    cut = name[: NAME_MAX_CHARS - 1]
    if " " in cut[NAME_MAX_CHARS // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def cover_payload(*, dossier_code: str, procedure_code: str) -> str:
    return SEP_CHAR.join(
        [PREFIX, VERSION, COVER, _clean(dossier_code), _clean(procedure_code)]
    )


def separator_payload(
    *, dossier_code: str, procedure_code: str, position: int, component_name: str
) -> str:
    if position < 1:
        raise ValueError("position is 1-based")
    return SEP_CHAR.join(
        [
            PREFIX,
            VERSION,
            SEPARATOR,
            _clean(dossier_code),
            _clean(procedure_code),
            str(int(position)),
            _short_name(component_name),
        ]
    )


def parse_payload(text: str | None) -> SheetPayload | None:
    """The sheet a QR text stands for, or None for any other QR code."""
    if not text:
        return None
    parts = unicodedata.normalize("NFC", text.strip()).split(SEP_CHAR)
    if len(parts) < 5 or parts[0] != PREFIX or parts[1] != VERSION:
        return None
    kind, dossier_code, procedure_code = parts[2], parts[3], parts[4]
    if not dossier_code or not procedure_code:
        return None
    if kind == COVER and len(parts) == 5:
        return SheetPayload(COVER, dossier_code, procedure_code)
    if kind == SEPARATOR and len(parts) >= 7:
        try:
            position = int(parts[5])
        except ValueError:
            return None
        if position < 1:
            return None
        # A name never holds "|" (see _clean), but tolerate it rather than lose it.
        name = SEP_CHAR.join(parts[6:])
        return SheetPayload(SEPARATOR, dossier_code, procedure_code, position, name)
    return None


def _qr_image(payload: str) -> ImageReader:
    buffer = io.BytesIO()
    # Level M with a wide quiet zone: readable on skewed, speckled 150-dpi scans.
    segno.make(payload, error="m", micro=False).save(
        buffer, kind="png", scale=10, border=4
    )
    buffer.seek(0)
    return ImageReader(buffer)


def _wrap(c: canvas.Canvas, text: str, font: str, size: float, width: float) -> list:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if c.stringWidth(candidate, font, size) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _draw_lines(
    c: canvas.Canvas, y: float, text: str, font: str, size: float, *, center=True
) -> float:
    width, _height = A4
    usable = width - 40 * mm
    for line in _wrap(c, text, font, size, usable):
        c.setFont(font, size)
        if center:
            c.drawCentredString(width / 2, y, line)
        else:
            c.drawString(20 * mm, y, line)
        y -= size * 1.35
    return y


def _sheet(
    c: canvas.Canvas,
    *,
    payload: str,
    title: str,
    details: list[str],
    instruction: str,
) -> None:
    regular, bold = dejavu("Sans")
    width, height = A4
    y = height - 25 * mm
    y = _draw_lines(c, y, title, bold, 22)
    y -= 4 * mm
    # The QR code sits in the middle of the page, well away from the edges a
    # scanner may crop or darken; 80 mm keeps modules above 1 mm even for long names.
    size = 80 * mm
    c.drawImage(_qr_image(payload), (width - size) / 2, y - size, size, size)
    y -= size + 10 * mm
    for line in details:
        y = _draw_lines(c, y, line, regular, 13)
    y -= 6 * mm
    _draw_lines(c, max(y, 30 * mm), instruction, bold, 12)
    # The payload in clear at the foot, for a clerk keying it in by hand.
    text = payload.replace(SEP_CHAR, f" {SEP_CHAR} ")
    for number, line in enumerate(_wrap(c, text, regular, 7, width - 40 * mm)[:3]):
        c.setFont(regular, 7)
        c.drawCentredString(width / 2, (16 - 3.5 * number) * mm, line)
    c.showPage()


def sheets_pdf(
    *,
    dossier_code: str,
    procedure_code: str,
    procedure_name: str,
    applicant_name: str,
    agency_name: str,
    components: list[tuple[int, str]],
) -> bytes:
    """A4 PDF: the cover sheet, then one separator sheet per component, in order."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"Tờ bìa và tờ phân cách – {dossier_code}")
    c.setAuthor(agency_name)
    _sheet(
        c,
        payload=cover_payload(dossier_code=dossier_code, procedure_code=procedure_code),
        title="TỜ BÌA HỒ SƠ",
        details=[
            f"Mã hồ sơ: {dossier_code}",
            f"Thủ tục: {procedure_code} – {procedure_name}",
            f"Người nộp: {applicant_name}",
            f"Cơ quan tiếp nhận: {agency_name}",
            f"Số thành phần: {len(components)}",
        ],
        instruction=(
            "Đặt tờ này lên đầu tập hồ sơ khi quét. Mỗi hồ sơ bắt đầu bằng tờ bìa "
            "của chính nó; sau tờ bìa là các thành phần, mỗi thành phần có tờ phân "
            "cách riêng."
        ),
    )
    total = len(components)
    for position, name in components:
        _sheet(
            c,
            payload=separator_payload(
                dossier_code=dossier_code,
                procedure_code=procedure_code,
                position=position,
                component_name=name,
            ),
            title=f"TỜ PHÂN CÁCH – THÀNH PHẦN {position}/{total}",
            details=[
                _clean(name),
                f"Mã hồ sơ: {dossier_code}",
                f"Thủ tục: {procedure_code}",
            ],
            instruction=(
                f"Đặt tờ này trước thành phần hồ sơ “{_clean(name)}” khi quét. "
                "Không quét tờ này riêng; các trang sau nó thuộc thành phần này."
            ),
        )
    c.save()
    return buffer.getvalue()
