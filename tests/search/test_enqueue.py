"""Index requests made inside one transaction become one task per index."""

import pytest

import search
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.services import dossier_submit
from search import tasks

pytestmark = pytest.mark.django_db


def test_a_dossier_saved_with_its_files_is_queued_once(
    monkeypatch,
    birth_registration,
    agency_tree,
    applicant,
    complete_files,
    django_capture_on_commit_callbacks,
):
    sent: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        tasks.index_objects_task, "delay", lambda name, ids: sent.append((name, ids))
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_submit(
            procedure=birth_registration,
            agency=agency_tree["ward"],
            channel=Channel.ONLINE,
            applicant=applicant,
            files=complete_files,
        )
    assert [ids for name, ids in sent if name == "dossiers"] == [[str(dossier.pk)]]


def test_ids_of_several_requests_are_gathered(
    monkeypatch, db, django_capture_on_commit_callbacks
):
    sent: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(
        tasks.index_objects_task, "delay", lambda name, ids: sent.append((name, ids))
    )
    with django_capture_on_commit_callbacks(execute=True):
        search.index_later("procedures", [3, 1])
        search.index_later("procedures", [2, 3])
    assert sent == [("procedures", ["1", "2", "3"])]
