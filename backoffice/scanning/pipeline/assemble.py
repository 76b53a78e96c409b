"""Component files: the pages' one-page PDFs merged with pypdf, every page
labelled with dossier code, procedure code and component (scanning.labelling)."""

import re
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from backoffice.scanning.labelling import label_component_pdf

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
    label_component_pdf(
        writer,
        dossier_code=dossier.code,
        procedure_code=dossier.procedure_code,
        position=component.position,
        name=component.name,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        writer.write(handle)
    tmp.replace(path)
    return path
