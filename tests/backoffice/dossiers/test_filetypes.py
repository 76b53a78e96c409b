"""One sniffer for uploads and scans, with the strict rules: a signature counts
only at offset 0, so no file reaches a check that looks for it elsewhere."""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from backoffice.dossiers.filetypes import sniff
from backoffice.dossiers.uploads import UploadRejected, check_upload
from backoffice.scanning.models import ScanBatch
from backoffice.scanning.pipeline import ScanInputError, sniff_scan_file
from backoffice.scanning.services import ScanRejected, scan_batch_create


def _pdf(*, script: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if script:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('xin chào');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Junk before the header: tolerant readers open it, but it is no PDF by its start.
JUNK = b"\x00\x00SCANNER-HDR\r\n"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"),
        (b"\x89PNG\r\n\x1a\n\x00", "png"),
        (b"II*\x00\x08\x00", "tiff"),
        (b"MM\x00*\x00\x08", "tiff"),
        (bytes.fromhex("D0CF11E0A1B11AE1"), "doc"),
        (JUNK + b"%PDF-1.7\n", None),
        (b"hello", None),
        (b"", None),
    ],
)
def test_sniff_by_the_first_bytes_only(content, kind) -> None:
    assert sniff(content) == kind


def test_both_ways_in_agree_on_each_kind(tmp_path) -> None:
    samples = {
        "a.pdf": _pdf(),
        "b.tif": b"II*\x00" + b"\x00" * 32,
        "c.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 32,
        "d.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    }
    for name, content in samples.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert sniff_scan_file(path) == sniff(content)


def test_scan_path_refuses_junk_before_the_pdf_header(tmp_path) -> None:
    path = tmp_path / "lo.pdf"
    path.write_bytes(JUNK + _pdf())
    with pytest.raises(ScanInputError, match="không phải định dạng được hỗ trợ"):
        sniff_scan_file(path)


def test_upload_path_refuses_junk_before_the_pdf_header() -> None:
    with pytest.raises(UploadRejected) as exc:
        check_upload(name="don.pdf", content=JUNK + _pdf(script=True))
    assert exc.value.code == "unsupported_type"


@pytest.mark.django_db
def test_a_script_behind_junk_cannot_slip_into_a_scan_batch(settings) -> None:
    """Before one sniffer, the scan sniffer took this file for a PDF while the
    active-content check, looking for %PDF- at the start, let it through."""
    settings.UPLOAD_ACTIVE_CONTENT = "refuse"
    with pytest.raises(ScanRejected, match="không phải"):
        scan_batch_create(
            actor=None,
            agency=None,
            name="may-quet.pdf",
            content=JUNK + _pdf(script=True),
        )
    assert not ScanBatch.objects.exists()


def test_heic_is_known_by_its_brand_and_only_at_its_place() -> None:
    from PIL import Image

    from backoffice.dossiers.filetypes import normalise_extension, register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(out, "HEIF")
    heic = out.getvalue()
    assert sniff(heic[:16]) == "heic"
    assert sniff(b"\x00\x00\x00\x18ftypisom" + bytes(8)) is None  # an MP4 video
    assert sniff(b"JUNK" + heic) is None
    assert normalise_extension("HEIF") == "heic"
