"""The contract every pipeline step keeps (after paperless-ngx's consumer plugins).

A step looks at one page: `can_run` says whether it applies, `run` does the work
and records what it did on the page context, `cleanup` drops what it no longer
needs. Steps never talk to each other except through the context.
"""

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from backoffice.scanning.sheets import SheetPayload

from .imaging import ANALYSIS_DPI, reduced
from .sources import PageRef


@dataclass
class PageContext:
    index: int
    ref: PageRef
    dpi: int
    ocr: bool
    outdir: Path  # per-batch folder for this run's page files
    image: np.ndarray | None = None  # grayscale, modified in place by the steps
    colour: np.ndarray | None = None  # BGR beside it while the page may have colour
    rotation: int = 0
    skew: float = 0.0
    blank: bool = False
    sheet: SheetPayload | None = None
    sheet_unreadable: bool = False
    qr_rotation: int | None = None  # clockwise correction read from a QR sheet
    ocr_text: str = ""
    ocr_confidence: float | None = None
    image_path: Path | None = None
    pdf_path: Path | None = None
    thumbnail_path: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per step
    cpu_timings: dict[str, float] = field(default_factory=dict)  # this thread's CPU
    placement: tuple | None = None  # (DossierPlan, ComponentPlan) after the split
    line_angle: float | None = None  # tilt of the text lines once upright (degrees)
    has_colour: bool = False  # seals, signatures, photos: kept in colour in the PDF
    source_dpi: float | None = None  # the source's own resolution, when known
    ocr_dpi: int | None = None  # set when OCR read the page upscaled to this dpi
    camera: bool = False  # the source is a camera photo
    flattened: bool = False  # a photographed page found, warped to A4, light evened
    no_page: bool = False  # a camera photo in which no page was found
    dark: bool = False  # an all-black page: nothing on it can be read
    encoding: str = ""  # how the page image is kept in the PDF (pdfpage.ENCODINGS)
    pdf_bytes: int = 0  # size of the one-page PDF
    _reduced: dict = field(default_factory=dict, repr=False)

    def drop_images(self) -> None:
        self.image = None
        self.colour = None
        self._reduced = {}

    def transform(self, change: Callable[[np.ndarray], np.ndarray]) -> None:
        """Apply one geometric change (crop, turn, deskew) to the page and to its
        colour copy alike, so both stay pixel for pixel the same page."""
        self.image = np.ascontiguousarray(change(self.image))
        if self.colour is not None:
            self.colour = np.ascontiguousarray(change(self.colour))

    def reduced(self, target: int = ANALYSIS_DPI) -> np.ndarray:
        """A reduced copy of the current image, made once per image and size."""
        key = (id(self.image), target)
        if key not in self._reduced:
            self._reduced = {
                k: v for k, v in self._reduced.items() if k[0] == id(self.image)
            }
            # Keep the image itself alive with its copies, so its id is not reused.
            self._reduced[key] = (reduced(self.image, self.dpi, target), self.image)
        return self._reduced[key][0]

    def path(self, suffix: str) -> Path:
        return self.outdir / f"page-{self.index:04d}{suffix}"


class Step(abc.ABC):
    name = "step"

    def can_run(self, page: PageContext) -> bool:
        return True

    @abc.abstractmethod
    def run(self, page: PageContext) -> None:
        """Do the step's work on the page and record it on the context."""

    def cleanup(self, page: PageContext) -> None:
        """Free what the step held; runs after every step, even after a failure."""
        return None  # most steps hold nothing beyond the page context
