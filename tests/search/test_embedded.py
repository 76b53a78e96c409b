"""Embedded-engine specifics: the cross-process writer lock, generations, folding."""

from __future__ import annotations

import threading
import time

import pytest

import search
from search.backends.embedded import FOLD_ANALYZER, IndexBusyError
from search.text import fold, identifiers_in, normalize_identifier

from .conftest import Doc

pytestmark = pytest.mark.usefixtures("embedded_backend")


def test_folding_covers_every_vietnamese_letter():
    text = "Đường Ưu Ơn ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ý ỳ ỷ ỹ ỵ"
    tokens = FOLD_ANALYZER.analyze(text)
    assert tokens[:3] == ["duong", "uu", "on"]
    assert all(token.isascii() for token in tokens)
    assert fold("Đăng ký") == "dang ky"


@pytest.mark.parametrize(
    "spelling",
    ["15/2016/QĐ-UBND", "15/2016/qd-ubnd", "15 2016 QD UBND", " 15.2016.Qđ_Ubnd "],
)
def test_identifier_normalisation(spelling):
    assert normalize_identifier(spelling) == "152016qdubnd"


def test_identifiers_inside_text():
    found = identifiers_in("theo 05/2025/NĐ-CP và thủ tục 2.000635 ngày 5")
    assert "052025ndcp" in found and "2000635" in found
    assert found == ["052025ndcp", "2000635"]


def test_writer_waits_for_another_process_lock(doc_index):
    search.index_objects("contract-docs", [Doc("a", title="một")])
    backend = search.get_backend()
    tindex = backend._handle(doc_index()).open_current()
    # The lock file is per directory: a second writer blocks like another process.
    held = tindex.writer(15_000_000, 1)

    def release():
        time.sleep(0.4)
        held.wait_merging_threads()

    thread = threading.Thread(target=release)
    thread.start()
    started = time.monotonic()
    search.index_objects("contract-docs", [Doc("b", title="hai")])
    waited = time.monotonic() - started
    thread.join()
    assert waited >= 0.3
    assert search.count("contract-docs") == 2


def test_busy_writer_times_out_with_a_retryable_error(doc_index, settings):
    settings.SEARCH_BACKENDS["default"]["OPTIONS"]["LOCK_TIMEOUT"] = 0.2
    search.reset()
    search.index_objects("contract-docs", [Doc("a", title="một")])
    tindex = search.get_backend()._handle(doc_index()).open_current()
    held = tindex.writer(15_000_000, 1)
    try:
        with pytest.raises(IndexBusyError):
            search.index_objects("contract-docs", [Doc("b", title="hai")])
    finally:
        held.wait_merging_threads()
    assert search.count("contract-docs") == 1


def test_a_second_process_sees_commits(doc_index, settings):
    search.index_objects("contract-docs", [Doc("a", title="một")])
    assert search.count("contract-docs") == 1
    # A fresh backend object stands for another process sharing the directory.
    other = search.get_backend().__class__(
        **settings.SEARCH_BACKENDS["default"]["OPTIONS"]
    )
    assert other.count(doc_index()) == 1
    search.index_objects("contract-docs", [Doc("b", title="hai")])
    assert other.count(doc_index()) == 2
    search.rebuild("contract-docs")  # DocIndex.objects is empty
    assert other.count(doc_index()) == 0


def test_changed_fields_start_an_empty_generation_and_check_shows_drift(doc_index):
    doc_index.objects = [Doc("a", title="một")]
    search.rebuild("contract-docs")
    original = doc_index.fields
    doc_index.fields = [*original, search.Field("extra", search.FieldKind.KEYWORD)]
    try:
        assert search.check("contract-docs") == (1, 0)
        search.rebuild("contract-docs")
        assert search.check("contract-docs") == (1, 1)
    finally:
        doc_index.fields = original


def test_failed_rebuild_keeps_the_old_index(doc_index):
    doc_index.objects = [Doc("a", title="một"), Doc("b", title="hai")]
    search.rebuild("contract-docs")

    class Boom(Exception):
        pass

    def broken(obj):
        raise Boom

    index = search.get_index("contract-docs")
    index.to_document = broken  # type: ignore[method-assign]
    try:
        with pytest.raises(Boom):
            search.rebuild("contract-docs")
    finally:
        del index.to_document
    assert search.count("contract-docs") == 2
    root = search.get_backend()._handle(index).root
    assert len([p for p in root.iterdir() if p.is_dir()]) == 1


def test_writes_during_a_rebuild_are_replayed_after_the_switch(doc_index):
    doc_index.objects = [Doc(str(i), title=f"Văn bản số {i}") for i in range(1200)]
    search.rebuild("contract-docs")
    calls = []

    def progress(done, total):
        if calls:
            return
        calls.append(done)
        # What a worker does mid-rebuild: the database changes, then the task runs
        # (it writes to the generation readers still use).
        doc_index.objects[5] = Doc("5", title="Tiêu đề đã sửa trong lúc dựng lại")
        doc_index.objects.append(Doc("new", title="Văn bản mới trong lúc dựng lại"))
        del doc_index.objects[7]
        search.refresh("contract-docs", ["5", "new", "7"])

    assert search.rebuild("contract-docs", progress=progress) == 1200
    assert calls
    assert [
        h.id
        for h in search.query("contract-docs", search.SearchQuery(text="đã sửa")).hits
    ] == ["5"]
    assert [
        h.id
        for h in search.query(
            "contract-docs", search.SearchQuery(text="văn bản mới")
        ).hits
    ] == ["new"]
    assert (
        search.query("contract-docs", search.SearchQuery(text="văn bản số 7"))
        .hits[0]
        .id
        != "7"
    )
    assert search.check("contract-docs") == (1200, 1200)
    root = search.get_backend()._handle(doc_index()).root
    assert not (root / "REBUILDING").exists()
    assert not (root / "REBUILD-JOURNAL").exists()
