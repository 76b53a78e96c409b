"""Scan batch and page rows; the dossier additions for counter intake."""

from django.core.files.base import ContentFile
from django.db import IntegrityError

import pytest

from backoffice.dossiers.models import DossierFile
from backoffice.scanning.constants import BatchSource, BatchStatus
from backoffice.scanning.models import ScanBatch, ScanPage

from . import counter_helpers

pytestmark = pytest.mark.django_db

# Fixtures shared by the counter tests.
counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer


def _batch(**fields) -> ScanBatch:
    batch = ScanBatch(
        source=BatchSource.UPLOAD,
        original_name="a.pdf",
        media_type="application/pdf",
        size=4,
        sha256="ab" * 32,
        **fields,
    )
    batch.original.save("a.pdf", ContentFile(b"%PDF"), save=False)
    batch.save()
    return batch


@pytest.mark.parametrize(
    ("status", "done", "total", "percent"),
    [
        (BatchStatus.QUEUED, 0, 0, 0),
        (BatchStatus.RUNNING, 1, 3, 33),
        (BatchStatus.RUNNING, 3, 3, 100),
        (BatchStatus.DONE, 0, 0, 100),
    ],
)
def test_percent(status, done, total, percent) -> None:
    batch = ScanBatch(status=status, pages_done=done, pages_total=total)
    assert batch.percent == percent
    assert batch.is_finished == (status == BatchStatus.DONE)


def test_one_row_per_page_of_a_batch() -> None:
    batch = _batch()
    ScanPage.objects.create(batch=batch, index=0)
    with pytest.raises(IntegrityError):
        ScanPage.objects.create(batch=batch, index=0)


def test_original_stored_under_its_hash() -> None:
    batch = _batch()
    assert batch.original.name.startswith("scans/originals/ab/abababab")


def test_received_component_location(counter_dossier) -> None:
    item = counter_dossier.received_components.first()
    assert item.location == ""
    item.location_box, item.location_shelf = "12", "B"
    assert item.location == "Hộp 12, Kệ B"


def test_scanned_dossier_file_stays_immutable(counter_dossier) -> None:
    record = DossierFile(
        dossier=counter_dossier,
        source=DossierFile.Source.SCAN,
        original_name="x.pdf",
        media_type="application/pdf",
        size=4,
        sha256="cd" * 32,
        ocr_text="văn bản",
        ocr_confidence=91.5,
    )
    record.file.save("x.pdf", ContentFile(b"%PDF"), save=False)
    record.save()
    assert record.is_scan
    record.ocr_text = "đổi"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.save(update_fields=["ocr_text"])
