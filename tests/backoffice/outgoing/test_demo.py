"""`load_demo --json` lists released outgoing documents whose files verify."""

import io
import json
from pathlib import Path

from django.core.management import call_command

import pytest

from backoffice.outgoing.models import OutgoingDocument
from backoffice.signatures.verification import pdf_verify


@pytest.mark.slow
def test_load_demo_releases_outgoing_documents_once(db, settings, tmp_path: Path):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "pki" / "agency.p12")
    settings.SIGNING_PKCS12_PASSWORD = "demo-pass"
    settings.TRUST_ROOT_FILES = []

    out = io.StringIO()
    call_command("load_demo", "--json", stdout=out)
    rows = json.loads(out.getvalue())["outgoing"]

    assert len(rows) >= 3
    assert any(len(row["attachments"]) >= 1 for row in rows)
    for row in rows:
        assert set(row) >= {"id", "number_symbol", "main_file", "attachments"}
        main = Path(row["main_file"])
        assert main.is_absolute() and main.exists()
        verdict = pdf_verify(pdf_bytes=main.read_bytes())
        assert verdict.verdict == "valid", verdict.as_dict()
        assert len(verdict.signatures) == 2
        for path in row["attachments"]:
            report = pdf_verify(pdf_bytes=Path(path).read_bytes())
            assert report.verdict == "valid"
            assert len(report.signatures) == 1
    assert [row["number_symbol"] for row in rows][:2] == ["01/KH-UBND", "02/UBND-VP"]

    again = io.StringIO()
    call_command("load_demo", "--json", stdout=again)
    assert json.loads(again.getvalue())["outgoing"] == rows
    assert OutgoingDocument.objects.count() == len(rows)
