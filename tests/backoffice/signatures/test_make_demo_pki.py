"""`manage.py make_demo_pki`: files, idempotence, trust store row, audit."""

import json
from io import StringIO

from django.core.management import CommandError, call_command

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.signatures.models import TrustedCertificate
from backoffice.signatures.signing import load_signer

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = StringIO()
    call_command("make_demo_pki", *args, "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_writes_pkcs12_and_root_and_trusts_the_root(tmp_path) -> None:
    result = run("--dir", str(tmp_path), "--password", "mk")

    assert result["created"] is True
    assert result["pkcs12"] == str(tmp_path / "agency.p12")
    assert result["root_pem"] == str(tmp_path / "root.pem")
    row = TrustedCertificate.objects.get()
    assert row.pk == result["trusted_certificate"]["id"]
    assert row.kind == "root" and row.is_active
    assert row.name == "Demo Root CA — UBND tỉnh Sóc Trăng"
    assert (tmp_path / "agency.p12").stat().st_mode & 0o077 == 0
    signer = load_signer(
        pkcs12_data=(tmp_path / "agency.p12").read_bytes(), password="mk"
    )
    subject = signer.signing_cert.subject.native
    assert subject["common_name"] == "Sở Thông tin và Truyền thông tỉnh Sóc Trăng"
    assert subject["organization_name"] == "UBND tỉnh Sóc Trăng"
    assert subject["country_name"] == "VN"
    assert signer.signing_cert.key_usage_value.native == {
        "digital_signature",
        "non_repudiation",
    }
    assert (
        AuditLogEntry.objects.filter(action="trustedcertificate.created").count() == 1
    )


def test_second_run_keeps_the_files(tmp_path) -> None:
    run("--dir", str(tmp_path))
    before = (tmp_path / "agency.p12").read_bytes()
    again = run("--dir", str(tmp_path))

    assert again["created"] is False
    assert (tmp_path / "agency.p12").read_bytes() == before
    assert TrustedCertificate.objects.count() == 1


def test_force_makes_a_new_pki(tmp_path) -> None:
    first = run("--dir", str(tmp_path))
    second = run("--dir", str(tmp_path), "--force")
    assert second["created"] is True
    fingerprints = (first, second)
    assert (
        fingerprints[0]["trusted_certificate"]["fingerprint_sha256"]
        != fingerprints[1]["trusted_certificate"]["fingerprint_sha256"]
    )


def test_defaults_to_var_dir_pki(tmp_path, settings) -> None:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("make_demo_pki", stdout=out, stderr=StringIO())
    assert (tmp_path / "pki" / "agency.p12").exists()
    assert str(tmp_path / "pki" / "root.pem") in out.getvalue()


def test_half_present_pki_needs_force(tmp_path) -> None:
    run("--dir", str(tmp_path))
    (tmp_path / "root.pem").unlink()
    with pytest.raises(CommandError, match="--force"):
        run("--dir", str(tmp_path))
