"""The batch task: attach searchable PDFs, idempotent re-runs, atomic failures."""

import pytest
from pypdf import PdfReader

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.models import DossierFile
from backoffice.scanning.constants import BatchStatus, ReviewReason, ReviewState
from backoffice.scanning.models import ScanBatch, ScanPage
from backoffice.scanning.services import (
    scan_batch_create,
    scan_batch_requeue,
    scan_pages_assign,
)
from backoffice.scanning.tasks import process_scan_batch

from . import counter_helpers
from .counter_helpers import scan_of

pytestmark = pytest.mark.django_db

# Fixtures shared by the counter tests.
counter_dossier = counter_helpers.counter_dossier
fast_scans = counter_helpers.fast_scans
officer = counter_helpers.officer

LAYOUT = ["text", "cover", ("sep", 1), "text", "blank", ("sep", 2), "text", "text"]


@pytest.fixture
def batch(officer, counter_dossier, tmp_path, fast_scans) -> ScanBatch:
    path = scan_of(counter_dossier, LAYOUT, tmp_path / "lo.pdf", rough=True)
    return scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="lo.pdf",
        content=path.read_bytes(),
        dossier=counter_dossier,
    )


def _scan_files(dossier) -> list[DossierFile]:
    return list(
        dossier.files.filter(source=DossierFile.Source.SCAN).order_by("component_id")
    )


def test_task_attaches_each_component_searchable_pdf(batch, counter_dossier) -> None:
    assert process_scan_batch(batch.pk) == BatchStatus.DONE
    batch.refresh_from_db()
    assert (batch.pages_done, batch.pages_total, batch.percent) == (8, 8, 100)
    first, second = counter_dossier.procedure.components.all()
    files = _scan_files(counter_dossier)
    assert [(f.component, f.scan_origin.pages) for f in files] == [
        (first, [3]),
        (second, [6, 7]),
    ]
    for position, record in enumerate(files, 1):
        assert record.scan_origin.batch == batch
        assert counter_dossier.code in record.original_name
        reader = PdfReader(record.file.open("rb"))
        assert len(reader.pages) == record.pages
        label = (
            f"{counter_dossier.code} · {counter_dossier.procedure.code} · TP{position}"
        )
        assert all(lab.startswith(label) for lab in reader.page_labels)
    pages = {p.index: p for p in batch.pages.all()}
    assert pages[4].is_blank and pages[1].is_sheet and pages[2].is_sheet
    assert pages[3].dossier == counter_dossier and pages[3].component == first
    assert pages[0].review_reason == ReviewReason.BEFORE_COVER
    assert batch.original.name  # the original stays, unchanged
    assert AuditLogEntry.objects.filter(action="scan_batch.processed").count() == 1
    trail = AuditLogEntry.objects.get(action="dossier.scan_attached")
    assert trail.object_id == str(counter_dossier.pk)
    assert trail.after["components"] == [
        {"component": 1, "pages": [3]},
        {"component": 2, "pages": [6, 7]},
    ]


def test_rerun_replaces_derived_files_and_keeps_decisions(
    officer, batch, counter_dossier, settings
) -> None:
    process_scan_batch(batch.pk)
    first_run = {f.pk: f.file.name for f in _scan_files(counter_dossier)}
    decided = scan_pages_assign(
        actor=officer,
        batch=batch,
        first=1,
        last=1,
        dossier=counter_dossier,
        component=counter_dossier.procedure.components.first(),
    )
    # A batch already done is not run by a stray second message, only by a re-run.
    assert process_scan_batch(batch.pk) is None
    scan_batch_requeue(actor=officer, batch=batch)
    process_scan_batch(batch.pk)
    batch.refresh_from_db()
    second_run = {f.pk: f.file.name for f in _scan_files(counter_dossier)}
    assert len(second_run) == len(first_run) == 2
    assert not set(first_run) & set(second_run)
    for name in first_run.values():
        assert not (settings.MEDIA_ROOT / name).exists()  # replaced, not duplicated
    assert DossierFile.objects.filter(pk=decided.pk).exists()
    assert batch.runs == 2
    assert batch.pages.count() == len(LAYOUT)
    assert batch.pages.get(index=0).review_state == ReviewState.ASSIGNED
    with batch.original.open("rb") as handle:
        import hashlib

        assert hashlib.sha256(handle.read()).hexdigest() == batch.sha256


def test_failed_attach_leaves_nothing(
    batch, counter_dossier, monkeypatch, settings
) -> None:
    from backoffice.scanning import attach

    real = attach._attach_locked

    def breaks_half_way(batch, result, stored, replaced):
        real(batch, result, stored, replaced)
        raise RuntimeError("đĩa đầy")

    monkeypatch.setattr(attach, "_attach_locked", breaks_half_way)
    assert process_scan_batch(batch.pk) == BatchStatus.FAILED
    batch.refresh_from_db()
    assert "không có tệp nào được gắn vào hồ sơ" in batch.error
    assert "đĩa đầy" in batch.error
    assert not DossierFile.objects.filter(scan_origin__batch=batch).exists()
    assert not ScanPage.objects.filter(batch=batch).exists()
    derived = settings.MEDIA_ROOT / "scans" / "derived"
    assert not derived.exists() or not any(p.is_file() for p in derived.rglob("*"))
    assert not (settings.MEDIA_ROOT / "dossiers").exists() or not any(
        "tp0" in p.name for p in (settings.MEDIA_ROOT / "dossiers").rglob("*")
    )
    assert AuditLogEntry.objects.filter(action="scan_batch.failed").count() == 1


def test_changed_original_is_refused(batch, counter_dossier, settings) -> None:
    path = settings.MEDIA_ROOT / batch.original.name
    path.write_bytes(path.read_bytes() + b"\n% tampered\n")
    assert process_scan_batch(batch.pk) == BatchStatus.FAILED
    batch.refresh_from_db()
    assert "SHA-256 không khớp" in batch.error
    assert not _scan_files(counter_dossier)


def test_progress_is_written_while_running(batch, monkeypatch) -> None:
    from backoffice.scanning import pipeline

    seen: list[tuple[int, int]] = []
    real = pipeline.scan_run

    def spying(**kwargs):
        report = kwargs["progress"]

        def progress(done, total):
            report(done, total)
            row = ScanBatch.objects.get(pk=batch.pk)
            seen.append((row.pages_done, row.pages_total, row.status))

        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(pipeline, "scan_run", spying)
    process_scan_batch(batch.pk)
    assert seen[0] == (0, len(LAYOUT), BatchStatus.RUNNING)
    assert seen[-1] == (len(LAYOUT), len(LAYOUT), BatchStatus.RUNNING)
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)


def test_unreadable_sheet_and_what_follows_go_to_review(
    officer, counter_dossier, tmp_path, fast_scans
) -> None:
    layout = ["cover", ("sep", 1), "text", ("torn_sep", 2), "text"]
    path = scan_of(counter_dossier, layout, tmp_path / "u.pdf")
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="u.pdf",
        content=path.read_bytes(),
    )
    process_scan_batch(batch.pk)
    pending = {
        p.index: p.review_reason
        for p in batch.pages.filter(review_state=ReviewState.PENDING)
    }
    assert pending == {3: ReviewReason.UNREADABLE_SHEET, 4: ReviewReason.UNMATCHED}
    assert [f.scan_origin.pages for f in _scan_files(counter_dossier)] == [[2]]


@pytest.mark.slow
def test_low_confidence_pages_go_to_review(
    officer, counter_dossier, tmp_path, settings, fast_scans
) -> None:
    settings.SCAN_OCR = True
    # Real OCR, and a bar no page can reach: every text page is held for review.
    settings.SCAN_OCR_MIN_CONFIDENCE = 101
    path = scan_of(counter_dossier, ["cover", ("sep", 1), "text"], tmp_path / "o.pdf")
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="o.pdf",
        content=path.read_bytes(),
    )
    process_scan_batch(batch.pk)
    page = batch.pages.get(index=2)
    assert page.review_state == ReviewState.PENDING
    assert page.review_reason == ReviewReason.LOW_CONFIDENCE
    assert page.ocr_confidence is not None and page.ocr_confidence > 50
    assert "Việt Nam" in page.ocr_text or len(page.ocr_text) > 50
    assert page.page_pdf  # its searchable page, kept for the person who decides
    assert not _scan_files(counter_dossier)
    record = scan_pages_assign(
        actor=officer,
        batch=batch,
        first=3,
        last=3,
        dossier=counter_dossier,
        component=counter_dossier.procedure.components.first(),
    )
    text = PdfReader(record.file.open("rb")).pages[0].extract_text()
    assert len(text.strip()) > 50  # the text layer came along


def test_multipage_tiff_is_split_like_a_pdf(
    officer, counter_dossier, tmp_path, fast_scans
) -> None:
    path = scan_of(
        counter_dossier,
        ["cover", ("sep", 2), "text", "text"],
        tmp_path / "lo.tif",
        fmt="tiff",
    )
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="lo.tif",
        content=path.read_bytes(),
    )
    assert batch.media_type == "image/tiff"
    assert process_scan_batch(batch.pk) == BatchStatus.DONE
    (record,) = _scan_files(counter_dossier)
    assert record.component == counter_dossier.procedure.components.all()[1]
    assert record.scan_origin.pages == [2, 3]
    assert len(PdfReader(record.file.open("rb")).pages) == 2


def test_jpeg_page_assigned_from_the_original(
    officer, counter_dossier, tmp_path, fast_scans
) -> None:
    from PIL import Image

    pdf = scan_of(counter_dossier, ["text"], tmp_path / "p.pdf")
    jpeg = tmp_path / "trang.jpg"
    from pdf2image import convert_from_path

    convert_from_path(pdf, dpi=100)[0].save(jpeg, "JPEG", quality=80)
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="trang.jpg",
        content=jpeg.read_bytes(),
    )
    process_scan_batch(batch.pk)
    page = batch.pages.get()
    assert page.review_reason == ReviewReason.BEFORE_COVER
    # A page kept from before searchable page PDFs existed: built from the JPEG.
    page.page_pdf.delete(save=True)
    record = scan_pages_assign(
        actor=officer,
        batch=batch,
        first=1,
        last=1,
        dossier=counter_dossier,
        component=counter_dossier.procedure.components.first(),
    )
    reader = PdfReader(record.file.open("rb"))
    assert len(reader.pages) == 1
    assert reader.page_labels[0].startswith(counter_dossier.code)
    with Image.open(jpeg) as original:
        box = reader.pages[0].mediabox
        assert float(box.width) / float(box.height) == pytest.approx(
            original.width / original.height, rel=0.01
        )
