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
    dpi: int  # resolution of `image`: the batch dpi (lower for a read QR sheet)
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
    # The QR code's own tilt (degrees, the sign of `skew`) from its corners.
    qr_tilt: float | None = None
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
    # How many times a geometric change carried the reduced analysis copy along
    # instead of shrinking the full page again (each shrink: ~5 ms at 300 dpi).
    reductions_reused: int = 0
    # The resolution of each QR read made on the page (ReadSheet), in order.
    qr_reads: list[int] = field(default_factory=list)
    _reduced: dict = field(default_factory=dict, repr=False)

    def drop_images(self) -> None:
        self.image = None
        self.colour = None
        self._reduced = {}

    def transform(
        self,
        change: Callable[[np.ndarray], np.ndarray],
        *,
        on_reduced: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        """Apply one geometric change (crop, turn, deskew) to the page and to its
        colour copy alike, so both stay pixel for pixel the same page.

        `on_reduced` is the same change in the coordinates of the reduced
        analysis copy: when given (and that copy exists), the copy of the changed
        page is made from it instead of shrinking the full page again."""
        small = None
        key = (id(self.image), ANALYSIS_DPI)
        if on_reduced is not None and key in self._reduced:
            small = np.ascontiguousarray(on_reduced(self._reduced[key][0]))
        self.image = _own(change(self.image))
        if self.colour is not None:
            self.colour = _own(change(self.colour))
        self._reduced = {}
        if small is not None:
            self._reduced[(id(self.image), ANALYSIS_DPI)] = (small, self.image)
            self.reductions_reused += 1

    def shrink(self, dpi: int) -> None:
        """Bring the page (and its colour copy) down to `dpi`, a whole divisor of
        the page's resolution: for pages whose full resolution serves nobody."""
        if dpi >= self.dpi or self.dpi % dpi:
            return
        cached = self._reduced.get((id(self.image), dpi))
        analysis = self._reduced.get((id(self.image), ANALYSIS_DPI))
        self.image = _own(
            cached[0] if cached is not None else reduced(self.image, self.dpi, dpi)
        )
        if self.colour is not None:
            self.colour = _own(reduced(self.colour, self.dpi, dpi))
        self._reduced = {}
        if analysis is not None and dpi > ANALYSIS_DPI:
            # The analysis copy already made stays the analysis copy: the tilt is
            # measured on the same pixels as on a full-resolution page.
            self._reduced[(id(self.image), ANALYSIS_DPI)] = (analysis[0], self.image)
        self.dpi = dpi

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


def _own(pixels: np.ndarray) -> np.ndarray:
    """Contiguous and writable (a decoded Pillow image is read-only), copied
    only when it is not already both."""
    pixels = np.ascontiguousarray(pixels)
    return pixels if pixels.flags.writeable else pixels.copy()


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
