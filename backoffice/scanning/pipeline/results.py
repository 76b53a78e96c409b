"""What a pipeline run returns: plain dataclasses, no Django, so workers and the
command line can use them without a database."""

from dataclasses import dataclass, field
from pathlib import Path

from backoffice.scanning.sheets import SheetPayload

# Below this mean word confidence (Tesseract, 0–100) a page's text is flagged for
# review: measured on generated pages, clean 300-dpi text scores 90+, pages that
# read badly (150 dpi, heavy JPEG, handwriting) fall into the 40–70 range.
LOW_CONFIDENCE = 70.0

# Why a page waits for a person (scanning.constants.ReviewReason stores these).
REVIEW_BEFORE_COVER = "before_cover"
REVIEW_UNREADABLE_SHEET = "unreadable_sheet"
REVIEW_LOW_CONFIDENCE = "low_confidence"
REVIEW_UNMATCHED = "unmatched"
REVIEW_DARK_PAGE = "dark_page"
REVIEW_PHOTO_NO_PAGE = "photo_no_page"


@dataclass
class PageResult:
    index: int  # 0-based position in the input, across all source files
    source: str  # name of the source file
    rotation: int  # clockwise degrees applied to make the page upright: 0/90/180/270
    skew: float  # degrees of the deskew rotation applied, counter-clockwise positive
    blank: bool
    sheet: SheetPayload | None
    ocr_text: str
    ocr_confidence: float | None
    source_page: int = 0  # 0-based page number within its source file
    sheet_unreadable: bool = False  # a QR code was seen but could not be decoded
    dossier_code: str = ""  # set when the page belongs to a component
    procedure_code: str = ""
    component_position: int | None = None
    component_name: str = ""
    review_reason: str = ""  # set when the page is in no component and needs a person
    image_path: Path | None = None  # upright, deskewed page (JPEG, page dpi)
    pdf_path: Path | None = None  # one-page PDF, with a text layer when OCR ran
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    cpu_timings: dict[str, float] = field(default_factory=dict)  # CPU seconds per step
    has_colour: bool = False  # kept in colour in the PDF (seal, signature, photo)
    source_dpi: float | None = None  # the source's own resolution, when known
    ocr_dpi: int | None = None  # OCR read an upscaled copy at this dpi
    camera: bool = False  # the source is a camera photo
    flattened: bool = False  # the photographed page was found and flattened to A4
    dark: bool = False  # all black: nothing to read
    encoding: str = ""  # bitonal / grey / colour_patches / colour
    pdf_bytes: int = 0  # size of the one-page PDF
    # Resolution of the page's image, JPEG and PDF: the batch dpi, lower for a
    # read QR sheet (steps.SHEET_DPI), whose full resolution serves nobody.
    image_dpi: int | None = None

    @property
    def low_confidence(self) -> bool:
        return self.ocr_confidence is not None and self.ocr_confidence < LOW_CONFIDENCE


@dataclass
class ComponentResult:
    position: int
    name: str
    pages: list[int]
    pdf_path: Path
    text: str
    mean_confidence: float | None


@dataclass
class DossierResult:
    code: str
    procedure_code: str
    components: list[ComponentResult]


@dataclass
class ScanResult:
    pages: list[PageResult]
    dossiers: list[DossierResult]
    blank_pages: list[int]
    unmatched_pages: list[int]
    thumbnails: dict[int, Path]
    source_sha256: dict[str, str] = field(default_factory=dict)
    dpi: int = 300
    ocr: bool = True

    def as_contract_dict(self) -> dict:
        """The JSON of `manage.py intake_scan --json`; keys are a published contract."""
        return {
            "dossiers": [
                {
                    "code": dossier.code,
                    "procedure_code": dossier.procedure_code,
                    "components": [
                        {
                            "component": component.name,
                            "position": component.position,
                            "pages": component.pages,
                            "page_count": len(component.pages),
                            "mean_confidence": component.mean_confidence,
                        }
                        for component in dossier.components
                    ],
                }
                for dossier in self.dossiers
            ],
            "blank_pages": len(self.blank_pages),
            "blank_page_indexes": self.blank_pages,
            "unmatched_pages": self.unmatched_pages,
            "pages": [
                {
                    "index": page.index,
                    "rotation": page.rotation,
                    "skew": round(page.skew, 2),
                    "source": page.source,
                    "blank": page.blank,
                    "sheet": page.sheet.kind if page.sheet else None,
                    "ocr_confidence": page.ocr_confidence,
                    "colour": page.has_colour,
                    "flattened": page.flattened,
                    "source_dpi": (round(page.source_dpi) if page.source_dpi else None),
                    "ocr_dpi": page.ocr_dpi,
                }
                for page in self.pages
            ],
            "sources": self.source_sha256,
            "dpi": self.dpi,
            "ocr": self.ocr,
        }
