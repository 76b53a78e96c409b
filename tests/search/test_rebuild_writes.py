"""Writes made while a rebuild runs are not lost, on every backend (the embedded
engine journals them; the cluster engines journal them in the cluster and repeat a
write that landed in the index the rebuild just replaced)."""

from __future__ import annotations

import json
import threading
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command

import pytest

import search
from search import SearchQuery

from .conftest import Doc

SOURCE = [Doc(str(i), title=f"Văn bản số {i}") for i in range(1200)]


def ids(text: str) -> list[str]:
    result = search.query("contract-docs", SearchQuery(text=text))
    return [hit.id for hit in result.hits]


@pytest.mark.usefixtures("search_backend")
def test_writes_during_a_rebuild_reach_the_new_index(doc_index):
    doc_index.objects = list(SOURCE)
    search.index_objects("contract-docs", SOURCE[:3])
    done_writes = []

    def progress(done, total):
        if done >= 500 and not done_writes:
            # The rebuild has read these rows already; they change now and the
            # indexing task writes them through the facade, as the worker does.
            edited = Doc("0", title="Thông báo khẩn về phòng chống bão")
            added = Doc("new-1", title="Kế hoạch ứng phó triều cường")
            doc_index.objects = [edited, *SOURCE[1:5], *SOURCE[6:], added]
            assert search.refresh("contract-docs", ["0", "new-1", "5"]) == 2
            done_writes.append(True)

    assert search.rebuild("contract-docs", progress=progress) == 1200
    assert done_writes
    assert ids("phòng chống bão") == ["0"]
    assert ids("triều cường") == ["new-1"]
    assert "5" not in ids("Văn bản số 5")  # deleted meanwhile: 1200 - 1 + 1
    assert search.check("contract-docs") == (1200, 1200)


@pytest.mark.usefixtures("cluster_backend")
def test_a_write_that_lands_in_the_replaced_index_is_written_again(doc_index):
    """The worst interleaving: the write reaches the old index, then the rebuild
    switches and drops its journal before the writer could record its ids."""
    doc_index.objects = list(SOURCE)
    search.index_objects("contract-docs", SOURCE[:3])
    backend = search.get_backend()
    written = threading.Event()
    rebuilt = threading.Event()
    real_journal = backend._journal
    writer_name = "index-writer"
    errors: list[BaseException] = []

    def slow_journal(journal, ids):
        if threading.current_thread().name == writer_name:
            written.set()
            assert rebuilt.wait(60)
        real_journal(journal, ids)

    def write():
        try:
            edited = Doc("7", title="Quyết định sửa đổi về lệ phí trước bạ")
            doc_index.objects = [edited if d.pk == "7" else d for d in SOURCE]
            search.refresh("contract-docs", ["7"])
        except Exception as exc:  # noqa: BLE001 — reported by the main thread
            errors.append(exc)

    writer = threading.Thread(target=write, name=writer_name)

    def progress(done, total):
        if done == total and not writer.is_alive() and not written.is_set():
            writer.start()
            assert written.wait(60)  # the write is in the old index now

    with mock.patch.object(backend, "_journal", side_effect=slow_journal):
        assert search.rebuild("contract-docs", progress=progress) == 1200
        rebuilt.set()
        writer.join(60)
    assert not errors
    assert ids("lệ phí trước bạ") == ["7"]


@pytest.mark.usefixtures("search_backend")
def test_command_rebuild_then_check_reports_drift(doc_index):
    doc_index.objects = list(SOURCE)
    out = StringIO()
    call_command("search_index", "rebuild", "--index", "contract-docs", stdout=out)
    assert "contract-docs: 1200 tài liệu" in out.getvalue()
    out = StringIO()
    call_command(
        "search_index", "check", "--index", "contract-docs", "--json", stdout=out
    )
    assert json.loads(out.getvalue()) == {
        "contract-docs": {"expected": 1200, "indexed": 1200, "drift": 0}
    }
    doc_index.objects = SOURCE[:1190]
    with pytest.raises(CommandError, match="lệch"):
        call_command("search_index", "check", "--index", "contract-docs", stdout=out)
    assert "cần 1190, đang có 1200, lệch +10" in out.getvalue()


@pytest.mark.usefixtures("cluster_backend")
def test_a_crashed_rebuilds_journal_does_not_swallow_the_next_ones_writes(doc_index):
    doc_index.objects = list(SOURCE)
    search.index_objects("contract-docs", SOURCE[:3])
    backend = search.get_backend()
    alias = backend.physical_name(doc_index())
    backend._open_journal(alias)  # left behind by a rebuild that died

    def progress(done, total):
        if done == 500:
            doc_index.objects = [
                Doc("9", title="Công văn về mùa mưa bão") if d.pk == "9" else d
                for d in SOURCE
            ]
            search.refresh("contract-docs", ["9"])

    assert search.rebuild("contract-docs", progress=progress) == 1200
    assert ids("mùa mưa bão") == ["9"]
    assert backend._targets(alias + "-rebuilding") == set()
