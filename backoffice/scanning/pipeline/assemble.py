"""Component files: the pages' one-page PDFs merged with pypdf, every page
labelled with dossier code, procedure code and component."""

import re
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from .base import PageContext
from .split import ComponentPlan, DossierPlan


def safe_name(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "_", text).strip("._") or "x"


def component_pdf(
    *,
    dossier: DossierPlan,
    component: ComponentPlan,
    pages: dict[int, PageContext],
    path: Path,
) -> Path:
    writer = PdfWriter()
    for index in component.pages:
        reader = PdfReader(pages[index].pdf_path)
        writer.add_page(reader.pages[0])
    label = f"{dossier.code} · {dossier.procedure_code} · TP{component.position}"
    # The page label is what a PDF viewer shows instead of the bare page number.
    writer.set_page_label(0, len(component.pages) - 1, style="/D", prefix=f"{label} – ")
    writer.add_metadata(
        {
            "/Title": f"{dossier.code} – {component.position}. {component.name}",
            "/Subject": (
                f"Thủ tục {dossier.procedure_code}; thành phần {component.position}"
            ),
            "/Keywords": f"{dossier.code}, {dossier.procedure_code}, {component.name}",
            "/Producer": "Một Cửa – số hóa hồ sơ",
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        writer.write(handle)
    tmp.replace(path)
    return path
