"""Indexing through Celery tasks on commit, the registered app indexes, and the
`search_index` management command (embedded backend)."""

from __future__ import annotations

import json
from io import StringIO
from unittest import mock

from django.core.management import CommandError, call_command

import pytest
from celery.exceptions import Retry

import search
from backoffice.dossiers.services import dossier_submit
from search import SearchQuery
from search.tasks import index_objects_task, remove_objects_task

from .conftest import Doc

pytestmark = pytest.mark.usefixtures("embedded_backend")


def test_index_later_enqueues_after_commit_only(
    db, doc_index, django_capture_on_commit_callbacks
):
    with mock.patch.object(index_objects_task, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            search.index_later("contract-docs", ["b", "a", "a", 3])
        delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_called_once_with("contract-docs", ["3", "a", "b"])


def test_remove_later_enqueues_and_unknown_index_fails_now(
    db, doc_index, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(remove_objects_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        search.remove_later("contract-docs", ["x"])
        search.remove_later("contract-docs", [])
    delay.assert_called_once_with("contract-docs", ["x"])
    with pytest.raises(LookupError):
        search.index_later("no-such-index", ["1"])


def test_broker_failure_after_commit_is_logged_not_raised(
    db, doc_index, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(index_objects_task, "delay", side_effect=ConnectionError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        search.index_later("contract-docs", ["a"])
    assert "ConnectionError" in caplog.text


def test_task_indexes_present_and_removes_gone_or_hidden(doc_index):
    doc_index.objects = [Doc("a", title="Văn bản A"), Doc("b", title="Văn bản B")]
    assert index_objects_task.apply(args=("contract-docs", ["a", "b"])).get() == 2
    assert search.count("contract-docs") == 2
    doc_index.objects = [Doc("a", title="Văn bản A", published=False)]
    # "a" is now unpublished and "b" no longer exists: both leave the index.
    assert index_objects_task.apply(args=("contract-docs", ["a", "b"])).get() == 0
    assert search.count("contract-docs") == 0


def test_task_retries_on_a_busy_index(doc_index):
    from search.backends.embedded import IndexBusyError

    assert IndexBusyError in index_objects_task.autoretry_for or any(
        issubclass(IndexBusyError, cls) for cls in index_objects_task.autoretry_for
    )
    assert index_objects_task.retry_backoff
    doc_index.objects = [Doc("a", title="x")]
    with (
        mock.patch.object(search, "index_objects", side_effect=IndexBusyError("busy")),
        pytest.raises(Retry, match="IndexBusyError"),
    ):
        index_objects_task.apply(args=("contract-docs", ["a"]), throw=True).get()


def test_remove_task(doc_index):
    search.index_objects("contract-docs", [Doc("a", title="x")])
    assert remove_objects_task.apply(args=("contract-docs", ["a", "zz"])).get() == 2
    assert search.count("contract-docs") == 0


# -- management command --------------------------------------------------------


def test_command_rebuild_prints_progress_and_check_reports_drift(doc_index):
    doc_index.objects = [Doc(str(i), title=f"Văn bản {i}") for i in range(1200)]
    out = StringIO()
    call_command("search_index", "rebuild", "--index", "contract-docs", stdout=out)
    text = out.getvalue()
    assert "contract-docs [" in text and "1200/1200 100%" in text
    assert "contract-docs: 1200 tài liệu" in text

    out = StringIO()
    call_command(
        "search_index", "check", "--index", "contract-docs", "--json", stdout=out
    )
    assert json.loads(out.getvalue()) == {
        "contract-docs": {"expected": 1200, "indexed": 1200, "drift": 0}
    }

    doc_index.objects = doc_index.objects[:1190]
    out = StringIO()
    with pytest.raises(CommandError, match="lệch"):
        call_command("search_index", "check", "--index", "contract-docs", stdout=out)
    assert "cần 1190, đang có 1200, lệch +10" in out.getvalue()


def test_command_refuses_unknown_index_and_changes_nothing(doc_index):
    search.index_objects("contract-docs", [Doc("a", title="x")])
    with pytest.raises(CommandError, match="Không có chỉ mục tên: “nope”"):
        call_command("search_index", "rebuild", "--index", "nope")
    assert search.count("contract-docs") == 1


# -- the app registrations -----------------------------------------------------


def test_apps_register_their_indexes():
    names = {index.name for index in search.all_indexes()}
    assert {"procedures", "dossiers"} <= names


@pytest.mark.django_db(transaction=True)
def test_procedure_saves_reindex_on_commit(celery_eager, birth_registration):
    procedure = birth_registration
    # The import committed: the on-commit task has indexed the procedure already.
    hits = search.query("procedures", SearchQuery(text="1.001193")).hits
    assert [h.id for h in hits] == [str(procedure.pk)]
    ward = procedure.agencies.get()
    assert hits[0].source["agency_ids"] == [str(ward.pk)]
    by_name = search.query(
        "procedures",
        SearchQuery(
            text=procedure.name.lower(), filters={"agency_ids": [str(ward.pk)]}
        ),
    )
    assert by_name.hits[0].id == str(procedure.pk)

    procedure.is_active = False
    procedure.save()
    assert search.count("procedures") == 0
    procedure.is_active = True
    procedure.save()
    procedure.field.name = "Hộ tịch và chứng thực"
    procedure.field.save()
    hit = search.query("procedures", SearchQuery(text="chung thuc")).hits[0]
    assert hit.source["field_name"] == "Hộ tịch và chứng thực"
    assert search.check("procedures") == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_dossiers_are_found_by_code_applicant_id_and_ocr_text_within_scope(
    celery_eager, birth_registration, applicant, agency_tree
):
    ward = agency_tree["ward"]
    dossier = dossier_submit(
        procedure=birth_registration,
        agency=ward,
        channel="counter",
        applicant=applicant,
        files={},
    )
    scope = {"agency_ids": [str(ward.pk)]}

    def find(text, filters=scope):
        result = search.query("dossiers", SearchQuery(text=text, filters=filters))
        return [hit.id for hit in result.hits]

    mine = [str(dossier.pk)]
    assert find(dossier.code) == mine
    assert find(dossier.code.lower().replace("-", " ")) == mine
    assert find("nguyen van an") == mine
    assert find("094095001234") == mine
    assert find("1.001193") == mine
    # Another agency's staff do not see it.
    assert find("nguyen van an", {"agency_ids": [str(agency_tree["city"].pk)]}) == []
    assert find("nguyen van an", {"agency_ids": []}) == []

    file = dossier.files.model(
        dossier=dossier,
        file="x.pdf",
        original_name="giay-chung-sinh.pdf",
        media_type="application/pdf",
        size=1,
        sha256="0" * 64,
        ocr_text="GIẤY CHỨNG SINH — Bệnh viện Đa khoa tỉnh Sóc Trăng",
    )
    file.save()
    assert find("giấy chứng sinh bệnh viện") == mine
    assert search.check("dossiers") == (1, 1)
