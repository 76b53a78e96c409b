"""`load_demo --json` lists the demo e-files, one closed with documents in it."""

import io
import json
from pathlib import Path

from django.core.management import call_command

import pytest

from backoffice.records.models import EFile
from backoffice.records.verify import archive_verify


@pytest.mark.slow
def test_load_demo_lists_efiles_once(db, settings, tmp_path: Path) -> None:
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "pki" / "agency.p12")
    settings.SIGNING_PKCS12_PASSWORD = "demo-pass"
    settings.TRUST_ROOT_FILES = []

    out = io.StringIO()
    call_command("load_demo", "--json", stdout=out)
    rows = json.loads(out.getvalue())["efiles"]

    assert len(rows) >= 2
    for row in rows:
        assert set(row) >= {"id", "code", "closed"}
        assert isinstance(row["id"], int) and isinstance(row["closed"], bool)
    closed = [row for row in rows if row["closed"]]
    assert closed and any(not row["closed"] for row in rows)
    efile = EFile.objects.get(pk=closed[0]["id"])
    assert efile.items.filter(kind="outgoing").count() == 2
    assert efile.document_count == efile.items.count() >= 3

    again = io.StringIO()
    call_command("load_demo", "--json", stdout=again)
    assert json.loads(again.getvalue())["efiles"] == rows
    assert EFile.objects.count() == len(rows)

    package = tmp_path / "demo.zip"
    call_command("archive_export", str(efile.pk), "-o", str(package))
    assert archive_verify(package)["valid"] is True
