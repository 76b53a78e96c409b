"""Pages assigned from the review queue keep their OCR text: staff search finds
them, and the file reads like the pipeline's own files (one page separator)."""

import unicodedata

import pytest
from pypdf import PdfReader

import search
from backoffice.dossiers.selectors import dossiers_search_for_staff
from backoffice.scanning.constants import BatchStatus, ReviewState
from backoffice.scanning.labelling import OCR_PAGE_SEPARATOR
from backoffice.scanning.models import ScanBatch, ScanPage
from backoffice.scanning.services import (
    scan_batch_create,
    scan_batch_run,
    scan_pages_assign,
)

from . import counter_helpers
from .counter_helpers import scan_of

pytestmark = pytest.mark.django_db

counter_dossier = counter_helpers.counter_dossier
fast_scans = counter_helpers.fast_scans
officer = counter_helpers.officer

# What OCR read on the two stray pages (decomposed, as some tools write it).
FIRST = unicodedata.normalize("NFD", "Giấy chứng sinh số 4471 của Bệnh viện")
SECOND = "Xác nhận của Trạm y tế phường Mỹ Xuyên"


@pytest.fixture
def queued_batch(officer, counter_dossier, tmp_path, fast_scans) -> ScanBatch:
    """Two stray pages before the cover wait for review; OCR read their text.

    The run itself skips OCR (Tesseract is slow and not what is tested); the
    pages get the text and confidence a run with OCR stores on them.
    """
    path = scan_of(
        counter_dossier,
        ["text", "text", "cover", ("sep", 1), "text"],
        tmp_path / "lo.pdf",
    )
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="lo.pdf",
        content=path.read_bytes(),
    )
    batch = scan_batch_run(batch_id=batch.pk)
    assert batch.status == BatchStatus.DONE
    pending = batch.pages.filter(review_state=ReviewState.PENDING)
    assert [p.index for p in pending] == [0, 1]
    ScanPage.objects.filter(batch=batch, index=0).update(
        ocr_text=FIRST, ocr_confidence=80.0
    )
    ScanPage.objects.filter(batch=batch, index=1).update(
        ocr_text=SECOND, ocr_confidence=91.0
    )
    return batch


def _assign(officer, batch, dossier):
    return scan_pages_assign(
        actor=officer,
        batch=batch,
        first=1,
        last=2,
        dossier=dossier,
        component=dossier.procedure.components.all()[1],
    )


def test_assigned_pages_keep_their_ocr_text_and_confidence(
    officer, queued_batch, counter_dossier
) -> None:
    record = _assign(officer, queued_batch, counter_dossier)
    expected = unicodedata.normalize("NFC", FIRST) + OCR_PAGE_SEPARATOR + SECOND
    assert record.ocr_text == expected
    assert unicodedata.is_normalized("NFC", record.ocr_text)
    assert record.ocr_confidence == pytest.approx(85.5)
    assert record.ocr_text.split(OCR_PAGE_SEPARATOR)[1] == SECOND


def test_staff_search_finds_the_dossier_by_the_assigned_pages_text(
    officer, queued_batch, counter_dossier
) -> None:
    search.rebuild("dossiers")
    assert dossiers_search_for_staff(user=officer, text="tram y te my xuyen") == []
    _assign(officer, queued_batch, counter_dossier)
    search.rebuild("dossiers")
    found = dossiers_search_for_staff(user=officer, text="tram y te my xuyen")
    assert [d.code for d in found] == [counter_dossier.code]
    found = dossiers_search_for_staff(user=officer, text="giấy chứng sinh 4471")
    assert [d.code for d in found] == [counter_dossier.code]


def test_assigned_file_is_labelled_like_the_pipelines_files(
    officer, queued_batch, counter_dossier
) -> None:
    record = _assign(officer, queued_batch, counter_dossier)
    piped = counter_dossier.files.exclude(pk=record.pk).get(source="scan")
    made = [PdfReader(f.file.open("rb")) for f in (record, piped)]
    assert made[0].metadata["/Producer"] == made[1].metadata["/Producer"]
    code, procedure = counter_dossier.code, counter_dossier.procedure.code
    assert made[0].metadata["/Title"].startswith(f"{code} – 2. ")
    assert made[1].metadata["/Title"].startswith(f"{code} – 1. ")
    assert made[0].page_labels[0].startswith(f"{code} · {procedure} · TP2 – ")
    assert made[1].page_labels[0].startswith(f"{code} · {procedure} · TP1 – ")
