"""Stored originals are re-hashed against their recorded SHA-256; a changed or
missing original is reported (run row, audit, ERROR log, e-mail), never silently."""

import json
from io import StringIO

from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

import pytest

from backoffice.core.integrity import integrity_check
from backoffice.core.models import AuditLogEntry, IntegrityCheck
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.services import dossier_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(birth_registration, agency_tree, applicant, complete_files):
    dossier = dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=complete_files,
    )
    return list(dossier.files.order_by("pk"))


def run_command(*args):
    out = StringIO()
    try:
        call_command("integrity_check", "--json", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


def overwrite(record, content: bytes) -> None:
    storage = record.file.storage
    storage.delete(record.file.name)
    storage.save(record.file.name, ContentFile(content))


def test_intact_originals_pass(stored):
    code, report = run_command("--source", "dossier_files")
    assert code == 0
    assert report["ok"] is True
    assert report["checked"] == len(stored) == 2
    assert report["bytes"] == sum(r.size for r in stored)
    assert report["problems"] == []
    run = IntegrityCheck.objects.get(pk=report["run"])
    assert run.ok
    assert AuditLogEntry.objects.filter(action="integrity.checked").count() == 1


def test_a_changed_and_a_missing_original_are_reported(stored, settings, caplog):
    settings.ADMINS = [("Quản trị", "admin@example.vn")]
    changed, missing = stored
    overwrite(changed, b"%PDF-1.4\nsomething else\n%%EOF\n")
    missing.file.storage.delete(missing.file.name)

    code, report = run_command()
    assert code == 1
    assert report["ok"] is False
    problems = {p["object_id"]: p for p in report["problems"]}
    assert problems[str(changed.pk)]["problem"] == "mismatch"
    assert problems[str(changed.pk)]["expected"] == changed.sha256
    assert problems[str(changed.pk)]["actual"] != changed.sha256
    assert problems[str(missing.pk)]["problem"] == "missing"
    assert {p["source"] for p in report["problems"]} == {"dossier_files"}
    assert "integrity: mismatch dossier_files" in caplog.text
    assert len(mail.outbox) == 1
    assert "2 tệp gốc sai lệch" in mail.outbox[0].subject
    assert IntegrityCheck.objects.get(pk=report["run"]).problems == report["problems"]


def test_an_unknown_source_is_refused_and_records_nothing(stored):
    with pytest.raises(CommandError, match="unknown sources: nope") as exc:
        call_command("integrity_check", "--source", "nope")
    assert exc.value.returncode == 2
    assert not IntegrityCheck.objects.exists()


def test_every_original_store_is_registered():
    from backoffice.core.integrity import SOURCES

    assert {"dossier_files", "document_files", "scan_originals"} <= set(SOURCES)
    assert integrity_check().ok
