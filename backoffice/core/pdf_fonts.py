"""The DejaVu fonts every reportlab PDF of the product draws Vietnamese with.

Debian's `fonts-dejavu-core` ships them; reportlab's built-in fonts have no
Vietnamese letters. Registering a font is global to reportlab, so it happens once.
"""

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@cache
def dejavu(family: str = "Serif") -> tuple[str, str]:
    """Register DejaVu `family` ("Serif" or "Sans"); return (regular, bold) names."""
    regular, bold = f"DejaVu{family}", f"DejaVu{family}-Bold"
    pdfmetrics.registerFont(TTFont(regular, FONT_DIR / f"{regular}.ttf"))
    pdfmetrics.registerFont(TTFont(bold, FONT_DIR / f"{bold}.ttf"))
    return regular, bold
