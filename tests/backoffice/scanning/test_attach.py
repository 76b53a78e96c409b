"""Attaching a pipeline result: the pipeline decides where each page goes, the
database only confirms the dossiers it named."""

import io
from pathlib import Path

from django.core.files.base import ContentFile

import pytest
from pypdf import PdfWriter

from backoffice.dossiers.models import DossierFile
from backoffice.scanning.attach import scan_result_attach
from backoffice.scanning.constants import BatchStatus, ReviewReason, ReviewState
from backoffice.scanning.models import ScanBatch
from backoffice.scanning.pipeline import STEPS, Step, results, scan_run
from backoffice.scanning.pipeline.base import PageContext
from backoffice.scanning.pipeline.results import (
    ComponentResult,
    DossierResult,
    PageResult,
    ScanResult,
)
from backoffice.scanning.sheets import COVER, SEPARATOR, SheetPayload

from . import counter_helpers
from .counter_helpers import scan_of

pytestmark = pytest.mark.django_db

counter_dossier = counter_helpers.counter_dossier
fast_scans = counter_helpers.fast_scans
officer = counter_helpers.officer


def _pdf(path: Path, pages: int = 1) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


def _page(index: int, **kwargs) -> PageResult:
    values = {
        "source": "lo.pdf",
        "rotation": 0,
        "skew": 0.0,
        "blank": False,
        "sheet": None,
        "ocr_text": "",
        "ocr_confidence": None,
        **kwargs,
    }
    return PageResult(index=index, **values)


@pytest.fixture
def batch(counter_dossier) -> ScanBatch:
    batch = ScanBatch(
        agency=counter_dossier.agency,
        original_name="lo.pdf",
        media_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    batch.original.save("lo.pdf", ContentFile(b"%PDF-1.4"), save=False)
    batch.save()
    return batch


def test_review_reasons_are_the_stored_choices() -> None:
    assert {
        results.REVIEW_BEFORE_COVER,
        results.REVIEW_UNREADABLE_SHEET,
        results.REVIEW_LOW_CONFIDENCE,
        results.REVIEW_UNMATCHED,
        results.REVIEW_DARK_PAGE,
        results.REVIEW_PHOTO_NO_PAGE,
    } == set(ReviewReason.values)


def test_only_what_the_pipeline_placed_and_the_database_confirms_is_attached(
    batch, counter_dossier, tmp_path
) -> None:
    code, procedure = counter_dossier.code, counter_dossier.procedure.code
    unknown = "000.01.31.H53-20990101-0000009"
    text = "Tờ khai đăng ký khai sinh"
    pages = [
        _page(0, sheet=SheetPayload(COVER, code, procedure)),
        _page(1, sheet=SheetPayload(SEPARATOR, code, procedure, 1, "Tờ khai")),
        _page(
            2,
            ocr_text=text,
            ocr_confidence=90.0,
            dossier_code=code,
            component_position=1,
            pdf_path=_pdf(tmp_path / "p2.pdf"),
        ),
        _page(3, sheet=SheetPayload(SEPARATOR, unknown, procedure, 1, "Tờ khai")),
        _page(4, dossier_code=unknown, component_position=1),
        _page(
            5,
            ocr_confidence=12.0,
            review_reason=results.REVIEW_LOW_CONFIDENCE,
            pdf_path=_pdf(tmp_path / "p5.pdf"),
        ),
        _page(6, blank=True),
    ]
    result = ScanResult(
        pages=pages,
        dossiers=[
            DossierResult(
                code,
                procedure,
                [
                    ComponentResult(
                        1, "Tờ khai", [2], _pdf(tmp_path / "c1.pdf"), text, 90.0
                    )
                ],
            ),
            DossierResult(
                unknown,
                procedure,
                [
                    ComponentResult(
                        1, "Tờ khai", [4], _pdf(tmp_path / "u1.pdf"), "", None
                    )
                ],
            ),
        ],
        blank_pages=[6],
        unmatched_pages=[5],
        thumbnails={},
    )
    scan_result_attach(batch_id=batch.pk, result=result)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    record = DossierFile.objects.get(scan_origin__batch=batch)
    assert (record.dossier, record.scan_origin.pages) == (counter_dossier, [2])
    assert (record.ocr_text, record.ocr_confidence, record.pages) == (text, 90.0, 1)
    states = {
        p.index: (p.review_state, p.review_reason, p.dossier_id)
        for p in batch.pages.all()
    }
    assert states == {
        0: (ReviewState.NONE, "", None),
        1: (ReviewState.NONE, "", None),
        2: (ReviewState.NONE, "", counter_dossier.pk),
        3: (ReviewState.NONE, "", None),
        4: (ReviewState.PENDING, ReviewReason.UNMATCHED, None),
        5: (ReviewState.PENDING, ReviewReason.LOW_CONFIDENCE, None),
        6: (ReviewState.NONE, "", None),
    }
    assert batch.summary["review_pages"] == 2
    assert batch.pages.get(index=5).page_pdf


class _ReadBadly(Step):
    """Stands in for Tesseract on a bad page: a confidence no page should pass."""

    name = "read-badly"

    def can_run(self, page: PageContext) -> bool:
        return not page.blank and page.sheet is None

    def run(self, page: PageContext) -> None:
        page.ocr_confidence = 12.0


def test_the_pipeline_takes_badly_read_pages_out_of_their_component(
    counter_dossier, tmp_path, fast_scans
) -> None:
    path = scan_of(counter_dossier, ["cover", ("sep", 1), "text"], tmp_path / "o.pdf")
    steps = [*STEPS, _ReadBadly()]
    kept = scan_run(
        sources=[path], workdir=tmp_path / "a", dpi=200, ocr=False, steps=steps
    )
    assert [c.pages for d in kept.dossiers for c in d.components] == [[2]]
    assert kept.pages[2].review_reason == ""

    held = scan_run(
        sources=[path],
        workdir=tmp_path / "b",
        dpi=200,
        ocr=False,
        steps=steps,
        min_confidence=50.0,
    )
    assert [c.pages for d in held.dossiers for c in d.components] == []
    assert held.pages[2].review_reason == results.REVIEW_LOW_CONFIDENCE
    assert held.unmatched_pages == [2]


def test_the_page_record_says_how_the_page_was_read_and_kept(batch, tmp_path) -> None:
    """Issue 17: colour kept, the source's resolution, OCR upscaled, photo
    flattened, and an all-black page waiting for a rescan."""
    pages = [
        _page(
            0,
            has_colour=True,
            source_dpi=149.6,
            ocr_dpi=300,
            flattened=True,
            review_reason=results.REVIEW_PHOTO_NO_PAGE,
            pdf_path=_pdf(tmp_path / "p0.pdf"),
        ),
        _page(1, dark=True, review_reason=results.REVIEW_DARK_PAGE),
    ]
    result = ScanResult(
        pages=pages, dossiers=[], blank_pages=[], unmatched_pages=[0, 1], thumbnails={}
    )
    scan_result_attach(batch_id=batch.pk, result=result)
    first, second = batch.pages.order_by("index")
    assert (first.has_colour, first.source_dpi, first.ocr_dpi, first.flattened) == (
        True,
        150,
        300,
        True,
    )
    assert first.review_reason == ReviewReason.PHOTO_NO_PAGE
    assert (second.has_colour, second.source_dpi, second.ocr_dpi) == (False, None, None)
    assert second.review_reason == ReviewReason.DARK_PAGE
    assert second.review_state == ReviewState.PENDING
