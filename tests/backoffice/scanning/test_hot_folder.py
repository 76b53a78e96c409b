"""The scanner hot folder: files move to processed/ or failed/ when done."""

import os
import time

import pytest

from backoffice.dossiers.models import DossierFile
from backoffice.scanning.constants import BatchSource, BatchStatus
from backoffice.scanning.models import ScanBatch
from backoffice.scanning.tasks import consume_scan_hot_folder

from . import counter_helpers
from .counter_helpers import scan_of

pytestmark = pytest.mark.django_db

# Fixtures shared by the counter tests.
counter_dossier = counter_helpers.counter_dossier
fast_scans = counter_helpers.fast_scans
officer = counter_helpers.officer


@pytest.fixture
def hot(settings, tmp_path):
    folder = tmp_path / "hot"
    folder.mkdir()
    settings.SCAN_HOT_FOLDER = str(folder)
    settings.SCAN_HOT_FOLDER_AGENCY = ""
    settings.SCAN_HOT_FOLDER_SETTLE_SECONDS = 5
    return folder


def _age(path, seconds: float = 60) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_scan_is_processed_and_moved(hot, counter_dossier, fast_scans) -> None:
    folder = hot / counter_dossier.agency.code  # one subfolder per counter
    folder.mkdir()
    path = scan_of(counter_dossier, ["cover", ("sep", 2), "text"], folder / "may1.pdf")
    _age(path)
    result = consume_scan_hot_folder()
    assert result == {"processed": ["may1.pdf"], "failed": []}
    assert not path.exists()
    moved = list((hot / "processed").iterdir())
    assert len(moved) == 1 and moved[0].name.endswith("may1.pdf")
    batch = ScanBatch.objects.get()
    assert batch.source == BatchSource.HOT_FOLDER
    assert batch.status == BatchStatus.DONE
    assert batch.agency == counter_dossier.agency
    record = counter_dossier.files.get(source=DossierFile.Source.SCAN)
    assert record.component == counter_dossier.procedure.components.all()[1]
    # Nothing left to take on the next beat.
    assert consume_scan_hot_folder() == {"processed": [], "failed": []}


def test_agency_comes_from_the_sheets_without_subfolder(
    hot, counter_dossier, fast_scans
) -> None:
    path = scan_of(counter_dossier, ["cover", ("sep", 1), "text"], hot / "a.pdf")
    _age(path)
    consume_scan_hot_folder()
    batch = ScanBatch.objects.get()
    assert batch.agency == counter_dossier.agency
    assert counter_dossier.files.filter(source=DossierFile.Source.SCAN).count() == 1


def test_bad_file_goes_to_failed_with_reason(hot, db) -> None:
    path = hot / "giay.pdf"
    path.write_bytes(b"this is not a scan")
    _age(path)
    result = consume_scan_hot_folder()
    assert result == {"processed": [], "failed": ["giay.pdf"]}
    failed = sorted(p.name for p in (hot / "failed").iterdir())
    assert failed[0].endswith("giay.pdf") and failed[1].endswith("giay.pdf.txt")
    note = next((hot / "failed").glob("*.txt")).read_text(encoding="utf-8")
    assert "không phải định dạng được hỗ trợ" in note
    assert not ScanBatch.objects.exists()


def test_failed_run_goes_to_failed(hot, counter_dossier, fast_scans, monkeypatch):
    from backoffice.scanning import pipeline

    def broken(**kwargs):
        raise pipeline.ScanInputError("Trang 2 không đọc được.")

    monkeypatch.setattr(pipeline, "scan_run", broken)
    path = scan_of(counter_dossier, ["cover"], hot / "b.pdf")
    _age(path)
    assert consume_scan_hot_folder()["failed"] == ["b.pdf"]
    note = next((hot / "failed").glob("*.txt")).read_text(encoding="utf-8")
    assert "Trang 2 không đọc được." in note
    assert ScanBatch.objects.get().status == BatchStatus.FAILED


def test_file_still_being_written_is_left_alone(hot, counter_dossier, fast_scans):
    path = scan_of(counter_dossier, ["cover"], hot / "dang-ghi.pdf")
    assert consume_scan_hot_folder() == {"processed": [], "failed": []}
    assert path.exists()
    assert not ScanBatch.objects.exists()


@pytest.mark.parametrize("value", ["", "   ", "relative/hot"])
def test_empty_or_relative_setting_touches_nothing(
    settings, db, tmp_path, monkeypatch, value
) -> None:
    # Run from a throw-away working directory: an empty setting must never mean
    # "the current directory".
    cwd = tmp_path / "cwd"
    (cwd / "relative" / "hot").mkdir(parents=True)
    stray = cwd / "scan.pdf"
    stray.write_bytes(b"%PDF-1.4 not much")
    inner = cwd / "relative" / "hot" / "scan.pdf"
    inner.write_bytes(b"%PDF-1.4 not much")
    _age(stray), _age(inner)
    monkeypatch.chdir(cwd)
    settings.SCAN_HOT_FOLDER = value
    assert consume_scan_hot_folder() == {"processed": [], "failed": []}
    assert stray.exists() and inner.exists()
    assert sorted(p.name for p in cwd.iterdir()) == ["relative", "scan.pdf"]


def test_only_scan_files_are_taken(hot, db) -> None:
    other = hot / "README.txt"
    other.write_text("máy quét", encoding="utf-8")
    deep = hot / "a" / "b"
    deep.mkdir(parents=True)
    (deep / "x.pdf").write_bytes(b"nope")
    link = hot / "link.pdf"
    link.symlink_to(other)
    for path in (other, deep / "x.pdf"):
        _age(path)
    assert consume_scan_hot_folder() == {"processed": [], "failed": []}
    assert other.exists() and (deep / "x.pdf").exists() and link.is_symlink()


def test_beat_polls_the_folder_only_when_set(settings, tmp_path) -> None:
    from config.celery import _beat_schedule, app

    saved = dict(app.conf.beat_schedule or {})
    try:
        app.conf.beat_schedule = {}
        settings.SCAN_HOT_FOLDER = ""
        _beat_schedule(app)
        assert "scan-hot-folder" not in app.conf.beat_schedule
        settings.SCAN_HOT_FOLDER = str(tmp_path)
        settings.SCAN_HOT_FOLDER_INTERVAL = 12.5
        _beat_schedule(app)
        entry = app.conf.beat_schedule["scan-hot-folder"]
        assert entry["task"] == "backoffice.scanning.tasks.consume_scan_hot_folder"
        assert entry["schedule"] == 12.5
        assert entry["task"] in app.tasks
    finally:
        app.conf.beat_schedule = saved


def test_unexpected_error_never_strands_a_file(
    hot, counter_dossier, fast_scans, monkeypatch
) -> None:
    from backoffice.scanning import hot_folder

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(hot_folder, "scan_batch_create", broken)
    path = scan_of(counter_dossier, ["cover"], hot / "c.pdf")
    _age(path)
    assert consume_scan_hot_folder()["failed"] == ["c.pdf"]
    assert not any((hot / "processing").iterdir())
    note = next((hot / "failed").glob("*.txt")).read_text(encoding="utf-8")
    assert "Lỗi hệ thống" in note
