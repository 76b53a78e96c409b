"""Shared by the counter-intake tests: a reception officer, a counter dossier, and
scans of it built from the real printed sheets and synthetic text pages."""

import random
from pathlib import Path

import numpy as np
import pytest
from pdf2image import convert_from_bytes

from backoffice.core.constants import Role
from backoffice.dossiers.models import Dossier
from backoffice.intake.services import (
    ChecklistItem,
    counter_dossier_register,
    dossier_sheets_pdf,
)
from backoffice.procedures.constants import CopyForm
from tests.support import synthetic

SCAN_DPI = 200


@pytest.fixture
def fast_scans(settings):
    """Scans at 200 dpi without OCR: what is tested here is the wiring, not Tesseract."""
    settings.SCAN_DPI = SCAN_DPI
    settings.SCAN_OCR = False
    settings.SCAN_WORKERS = 1


@pytest.fixture
def officer(make_staff, agency_tree):
    return make_staff("tiepnhan", agency=agency_tree["ward"], role=Role.RECEPTION)


def register(officer, procedure, applicant, **kwargs) -> Dossier:
    components = list(procedure.components.all())
    checklist = kwargs.pop(
        "checklist",
        [
            ChecklistItem(component_id=c.pk, copy_form=CopyForm.ORIGINAL, count=1)
            for c in components
        ],
    )
    return counter_dossier_register(
        actor=officer,
        agency=procedure.agencies.get(),
        procedure=procedure,
        applicant=applicant,
        checklist=checklist,
        **kwargs,
    )


@pytest.fixture
def counter_dossier(officer, birth_registration, applicant) -> Dossier:
    return register(officer, birth_registration, applicant)


def scan_of(
    dossier: Dossier | None,
    layout: list,
    path: Path,
    *,
    seed: int = 1,
    rough: bool = False,
    fmt: str = "pdf",
    dpi: int = SCAN_DPI,
) -> Path:
    """A scanned file of `layout`: "cover", ("sep", position), "text", "blank",
    ("torn_sep", position) (a separator whose QR code lost its middle).

    The sheets are the ones the counter prints for the dossier (page 0 cover,
    page n separator n), rendered and "scanned" like the generator does.
    """
    rng = random.Random(seed)
    sheets = []
    if dossier is not None:
        sheets = [
            np.asarray(p.convert("L"))
            for p in convert_from_bytes(
                dossier_sheets_pdf(dossier=dossier), dpi=dpi, grayscale=True
            )
        ]
    style = synthetic.ScanStyle() if rough else synthetic.ScanStyle.clean()
    if rough:
        style.turn_probability = 0.0
        style.max_skew = 2.0
    pages = []
    for item in layout:
        if item == "cover":
            image = sheets[0]
        elif isinstance(item, tuple) and item[0] == "sep":
            image = sheets[item[1]]
        elif isinstance(item, tuple) and item[0] == "torn_sep":
            image = _torn(sheets[item[1]], dpi)
        elif item == "text":
            image, _ = synthetic.text_page(rng, dpi)
        elif item == "blank":
            image = synthetic._canvas(dpi)
        else:
            raise ValueError(item)
        scanned, _, _ = synthetic.scan(image, rng, style, dpi)
        pages.append(scanned)
    return synthetic.write_pages(pages, path, dpi, fmt)


def _torn(sheet: np.ndarray, dpi: int) -> np.ndarray:
    """The sheet with a white patch over most of its QR code (80 mm, centred,
    25 mm + title from the top), as when a corner is folded over it."""
    mm = dpi / 25.4
    torn = sheet.copy()
    top, left = int(55 * mm), int((torn.shape[1] - 80 * mm) / 2)
    torn[
        top + int(25 * mm) : top + int(55 * mm),
        left + int(10 * mm) : left + int(70 * mm),
    ] = 255
    return torn
