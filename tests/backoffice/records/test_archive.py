"""Archive packages: a closed file exports as one ZIP that archive_verify proves
intact; tampering of any kind is named; PDF/A-2b copies declare themselves."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management import call_command

import pytest
from pypdf import PdfReader, PdfWriter

from backoffice.core.integrity import SOURCES, integrity_check
from backoffice.records.archive import MANIFEST, archive_export
from backoffice.records.constants import ItemKind
from backoffice.records.services import (
    RecordsRejected,
    efile_close,
    efile_file,
    efile_open,
    efile_upload,
)
from backoffice.records.verify import archive_verify
from tests.fixtures.records import make_incoming, make_outgoing, make_pdf

pytestmark = pytest.mark.django_db


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("Secret", 1))))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def closed_file(desk):
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    efile_file(
        actor=desk.clerk,
        efile=efile,
        kind=ItemKind.INCOMING,
        target=make_incoming(desk.agency, 11, pages=2),
    )
    efile_file(
        actor=desk.clerk,
        efile=efile,
        kind=ItemKind.OUTGOING,
        target=make_outgoing(desk.agency, desk.clerk, 12),
    )
    efile_upload(
        actor=desk.clerk,
        efile=efile,
        kind="minutes",
        title="Biên bản họp",
        name="Biên bản họp.pdf",
        content=make_pdf("Minutes", 3),
    )
    efile_upload(
        actor=desk.clerk,
        efile=efile,
        kind="other",
        title="Ảnh hiện trường",
        name="anh.png",
        content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
    )
    return efile_close(actor=desk.clerk, efile=efile)


def export(efile, tmp_path: Path, **kwargs) -> Path:
    out = tmp_path / "goi.zip"
    archive_export(efile=efile, out=out, **kwargs)
    return out


def test_round_trip_is_valid_and_keeps_every_original(closed_file, tmp_path) -> None:
    out = export(closed_file, tmp_path)
    report = archive_verify(out)
    assert report == {"valid": True, "entries": report["entries"], "mismatches": []}
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        names = set(archive.namelist())
        originals = [e for e in manifest["entries"] if e["kind"] == "original"]
        # incoming main + outgoing signed main + two free documents
        assert len(originals) == 4
        for entry in originals:
            assert (
                entry["sha256"]
                == hashlib.sha256(archive.read(entry["path"])).hexdigest()
            )
        assert "efile.xml" in names
        assert sum(n.endswith("/document.xml") for n in names) == 4
        assert report["entries"] == len(names) - 1
        efile_xml = archive.read("efile.xml").decode()
        assert "<fileCode" in efile_xml and closed_file.code in efile_xml
        assert "<documentCount" in efile_xml
        incoming_xml = archive.read("documents/001-incoming/document.xml").decode()
        assert "11/UBND-VP" in incoming_xml and "<registerNumber" in incoming_xml


def test_each_pdf_gets_a_pdfa_2b_copy(closed_file, tmp_path) -> None:
    out = export(closed_file, tmp_path)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        copies = [e for e in manifest["entries"] if e["kind"] == "pdfa"]
        assert len(copies) == 3  # the PNG has none
        for copy in copies:
            reader = PdfReader(io.BytesIO(archive.read(copy["path"])))
            xmp = reader.xmp_metadata
            assert xmp is not None
            raw = xmp.stream.get_data().decode("utf-8", "replace")
            assert "pdfaid" in raw
            assert "pdfaid:part='2'" in raw or "<pdfaid:part>2<" in raw
            assert "pdfaid:conformance='B'" in raw or "<pdfaid:conformance>B<" in raw
        assert manifest["pdfa_failed"] == []


def test_a_pdf_that_cannot_become_pdfa_is_kept_and_flagged(desk, tmp_path) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    content = encrypted_pdf()
    # An encrypted PDF is refused as a free document, so it arrives as an
    # incoming document's file.
    incoming = make_incoming(desk.agency, 21)
    stored = incoming.files.get()
    stored.file.storage.delete(stored.file.name)
    stored.file.save(
        "mat.pdf",
        ContentFile(content),
        save=False,
    )
    stored.sha256 = hashlib.sha256(content).hexdigest()
    stored.size = len(content)
    stored.save()
    efile_file(actor=desk.clerk, efile=efile, kind=ItemKind.INCOMING, target=incoming)
    efile = efile_close(actor=desk.clerk, efile=efile)
    out = export(efile, tmp_path)
    assert archive_verify(out)["valid"] is True
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        original = next(e for e in manifest["entries"] if e["kind"] == "original")
        assert archive.read(original["path"]) == content
        assert original["pdfa"]["status"] == "failed"
        assert original["pdfa"]["reason"]
        assert manifest["pdfa_failed"][0]["path"] == original["path"]
        assert not [e for e in manifest["entries"] if e["kind"] == "pdfa"]
        xml = archive.read("documents/001-incoming/document.xml").decode()
        assert 'status="failed"' in xml


def test_export_of_an_open_file_is_refused(desk, tmp_path) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    with pytest.raises(RecordsRejected, match="đang mở"):
        archive_export(efile=efile, out=tmp_path / "x.zip")
    assert list(tmp_path.iterdir()) == []


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy a ZIP entry by entry, letting `change(name, data)` alter, drop (None)
    or keep each; returns extra entries to add via change('', None)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in change("", None) or []:
            new.writestr(name, data)


def _first_original(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
    return next(e["path"] for e in manifest["entries"] if e["kind"] == "original")


def test_verify_names_changed_missing_and_extra_entries(closed_file, tmp_path) -> None:
    out = export(closed_file, tmp_path)
    target = _first_original(out)

    def changed(name, data):
        if name == target:
            return data[:100] + bytes([data[100] ^ 1]) + data[101:]
        return data if name else None

    bad = tmp_path / "changed.zip"
    _rewrite(out, bad, changed)
    report = archive_verify(bad)
    assert report["valid"] is False
    assert [(m["entry"], m["problem"]) for m in report["mismatches"]] == [
        (target, "changed")
    ]

    missing = tmp_path / "missing.zip"
    _rewrite(out, missing, lambda n, d: None if n in (target, "") else d)
    assert [
        (m["entry"], m["problem"]) for m in archive_verify(missing)["mismatches"]
    ] == [(target, "missing")]

    extra = tmp_path / "extra.zip"
    _rewrite(out, extra, lambda n, d: [("documents/them.txt", b"x")] if n == "" else d)
    assert [
        (m["entry"], m["problem"]) for m in archive_verify(extra)["mismatches"]
    ] == [("documents/them.txt", "extra")]


def test_verify_flags_zip_slip_paths_and_non_zips(closed_file, tmp_path) -> None:
    out = export(closed_file, tmp_path)
    for evil in ("../x", "/etc/passwd", "documents/../../x", "C:/x", "a\\..\\b"):
        slip = tmp_path / "slip.zip"
        _rewrite(out, slip, lambda n, d, evil=evil: [(evil, b"x")] if n == "" else d)
        report = archive_verify(slip)
        assert report["valid"] is False, evil
        assert {"entry": evil, "problem": "unsafe_path"} in report["mismatches"]
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"PK\x03\x04 this is not really a zip")
    report = archive_verify(not_zip)
    assert report["valid"] is False and report["entries"] == 0
    assert report["mismatches"][0]["problem"] == "not_a_zip"
    no_manifest = tmp_path / "no-manifest.zip"
    _rewrite(out, no_manifest, lambda n, d: None if n in (MANIFEST, "") else d)
    assert archive_verify(no_manifest)["mismatches"][0] == {
        "entry": MANIFEST,
        "problem": "missing",
    }


def test_commands_json_contracts_and_exit_codes(closed_file, tmp_path) -> None:
    out = tmp_path / "cmd.zip"
    stdout = io.StringIO()
    call_command("archive_export", str(closed_file.pk), "-o", str(out), stdout=stdout)
    assert out.exists() and closed_file.code in stdout.getvalue()
    stdout = io.StringIO()
    call_command("archive_verify", str(out), "--json", stdout=stdout)
    report = json.loads(stdout.getvalue())
    assert set(report) == {"valid", "entries", "mismatches"}
    assert report["valid"] is True and report["entries"] > 0

    broken = tmp_path / "broken.zip"
    broken.write_bytes(out.read_bytes()[:-200])
    stdout = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("archive_verify", str(broken), "--json", stdout=stdout)
    assert exited.value.code == 1
    assert json.loads(stdout.getvalue())["valid"] is False


def test_export_command_refuses_open_and_unknown_files(desk, tmp_path) -> None:
    from django.core.management.base import CommandError

    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    with pytest.raises(CommandError, match="đang mở"):
        call_command("archive_export", str(efile.pk), "-o", str(tmp_path / "a.zip"))
    with pytest.raises(CommandError, match="Không có hồ sơ công việc"):
        call_command("archive_export", "999999", "-o", str(tmp_path / "a.zip"))
    assert list(tmp_path.iterdir()) == []


def test_free_documents_are_checked_by_integrity_check(closed_file) -> None:
    assert "records.free_document" in SOURCES
    run = integrity_check(sources=["records.free_document"])
    assert run.checked == 2 and run.problems == []
    document = closed_file.items.filter(kind=ItemKind.FREE).first().free
    path = Path(document.file.path)
    path.write_bytes(path.read_bytes() + b"x")
    run = integrity_check(sources=["records.free_document"])
    assert [p["problem"] for p in run.problems] == ["mismatch"]
