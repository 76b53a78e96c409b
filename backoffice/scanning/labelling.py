"""How a file made from scanned pages looks and reads, decided once.

The page labels, the document metadata, the separator between the OCR texts of
its pages and their mean confidence: the pipeline's component files and the files
staff make from the review queue use these same functions. Plain Python and
pypdf, no Django and no OpenCV, so web requests can use them cheaply.
"""

from collections.abc import Iterable

from pypdf import PdfWriter

# Between the OCR text of two pages of one file: a form feed on a line of its own,
# as Tesseract ends a page. Search tokenisers read it as white space.
OCR_PAGE_SEPARATOR = "\n\f\n"
PRODUCER = "Một Cửa – số hóa hồ sơ"


def join_page_texts(texts: Iterable[str]) -> str:
    """The OCR text of a file from its pages' texts, in page order."""
    return OCR_PAGE_SEPARATOR.join(texts)


def mean_confidence(scores: Iterable[float | None]) -> float | None:
    """Mean OCR confidence of the pages that have one (None when none has)."""
    known = [score for score in scores if score is not None]
    return round(sum(known) / len(known), 2) if known else None


def label_component_pdf(
    writer: PdfWriter,
    *,
    dossier_code: str,
    procedure_code: str,
    position: int,
    name: str,
) -> None:
    """Label every page with dossier code, procedure code and component, and set
    the document's title, subject and keywords to match."""
    label = f"{dossier_code} · {procedure_code} · TP{position}"
    # The page label is what a PDF viewer shows instead of the bare page number.
    writer.set_page_label(0, len(writer.pages) - 1, style="/D", prefix=f"{label} – ")
    writer.add_metadata(
        {
            "/Title": f"{dossier_code} – {position}. {name}",
            "/Subject": f"Thủ tục {procedure_code}; thành phần {position}",
            "/Keywords": f"{dossier_code}, {procedure_code}, {name}",
            "/Producer": PRODUCER,
        }
    )
