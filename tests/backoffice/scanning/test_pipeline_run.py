"""scan_run end to end on small generated batches, and every kind of bad input."""

import hashlib
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader, PdfWriter

from backoffice.scanning.pipeline import (
    LOW_CONFIDENCE,
    ScanInputError,
    scan_run,
    sniff_scan_file,
)
from tests.support.synthetic import (
    ScanStyle,
    character_accuracy,
    generate_batch,
    text_page,
    write_pages,
)


def _expected(truth):
    return [
        {
            "code": d["code"],
            "procedure_code": d["procedure_code"],
            "components": [c["pages"] for c in d["components"]],
        }
        for d in truth.dossiers()
    ]


def _found(result):
    return [
        {
            "code": d["code"],
            "procedure_code": d["procedure_code"],
            "components": [c["pages"] for c in d["components"]],
        }
        for d in result.as_contract_dict()["dossiers"]
    ]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return generate_batch(
        seed=5,
        workdir=tmp_path_factory.mktemp("gen"),
        dpi=150,
        stray_pages=1,
        blank_probability=0.3,
    )


def test_batch_is_split_as_generated(batch, tmp_path):
    seen = []
    result = scan_run(
        sources=[batch.path],
        workdir=tmp_path / "w",
        dpi=200,
        ocr=False,
        progress=lambda done, total: seen.append((done, total)),
    )
    truth = batch.truth
    assert len(truth.dossiers()) >= 2
    assert _found(result) == _expected(truth)
    assert result.blank_pages == truth.blank_pages
    assert result.unmatched_pages == truth.unmatched_pages == [0]
    for page, expected in zip(result.pages, truth.pages, strict=True):
        if expected.kind != "blank":
            assert page.rotation == expected.rotation, page.index
            assert abs(page.skew - expected.skew) < 0.3, page.index
    assert seen[0] == (0, len(truth.pages)) and seen[-1] == (len(truth.pages),) * 2
    # Every page, unmatched ones included, has a thumbnail for the review queue.
    assert set(result.thumbnails) == set(range(len(truth.pages)))
    assert result.pages[0].image_path.exists()
    # Component files: one PDF page per page, labelled with the codes.
    dossier = result.dossiers[0]
    component = dossier.components[0]
    reader = PdfReader(component.pdf_path)
    assert len(reader.pages) == len(component.pages)
    assert reader.page_labels[0].startswith(
        f"{dossier.code} · {dossier.procedure_code} · TP"
    )
    assert result.pages[component.pages[0]].dossier_code == dossier.code
    assert result.pages[component.pages[0]].component_position == component.position
    contract = result.as_contract_dict()
    assert set(contract) >= {"dossiers", "blank_pages", "unmatched_pages", "pages"}
    assert contract["blank_pages"] == len(truth.blank_pages)
    assert set(contract["pages"][0]) >= {"index", "rotation", "skew"}
    assert set(contract["dossiers"][0]["components"][0]) >= {"component", "pages"}


def test_rerun_is_idempotent_and_the_original_is_untouched(batch, tmp_path):
    before = hashlib.sha256(batch.path.read_bytes()).hexdigest()
    first = scan_run(sources=[batch.path], workdir=tmp_path, dpi=200, ocr=False)
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    second = scan_run(sources=[batch.path], workdir=tmp_path, dpi=200, ocr=False)
    assert second.as_contract_dict() == first.as_contract_dict()
    assert (
        sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
        == files
    )
    assert hashlib.sha256(batch.path.read_bytes()).hexdigest() == before
    assert second.source_sha256 == {batch.path.name: before}


def test_tiff_and_several_files_make_one_batch(tmp_path):
    tiff = generate_batch(
        seed=21,
        workdir=tmp_path,
        dpi=150,
        dossiers=(1, 1),
        components=(1, 1),
        blank_probability=0,
        stray_pages=0,
        fmt="tiff",
    )
    assert sniff_scan_file(tiff.path) == "tiff"
    extra = tmp_path / "more.png"
    image, _ = text_page(__import__("random").Random(1), 150)
    Image.fromarray(image).save(extra, dpi=(150, 150))
    result = scan_run(
        sources=[tiff.path, extra], workdir=tmp_path / "w", dpi=200, ocr=False
    )
    n = len(tiff.truth.pages)
    assert [p.source for p in result.pages] == [tiff.path.name] * n + ["more.png"]
    # The extra page continues the last component of the TIFF.
    assert result.dossiers[0].components[-1].pages[-1] == n


def test_ocr_reads_vietnamese_and_writes_a_text_layer(tmp_path):
    rng = __import__("random").Random(4)
    image, text = text_page(rng, 300, lines_min=6)
    path = write_pages([image], tmp_path / "page.pdf", 300)
    result = scan_run(sources=[path], workdir=tmp_path / "w", dpi=300, ocr=True)
    page = result.pages[0]
    assert character_accuracy(page.ocr_text, text) > 0.95
    assert page.ocr_confidence is not None and page.ocr_confidence > LOW_CONFIDENCE
    # Unmatched (no cover sheet), but its searchable page exists for the review.
    assert result.unmatched_pages == [0]
    words = PdfReader(page.pdf_path).pages[0].extract_text()
    assert "Việt Nam" in words or "hồ sơ" in words or "quyền" in words


def _encrypted(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="bí-mật", owner_password="x")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _zero_pages(path: Path) -> Path:
    with path.open("wb") as handle:
        PdfWriter().write(handle)
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda p: (
                (p / "a.pdf").write_bytes(b"%PDF-1.4\n\x00garbage") and p / "a.pdf"
            ),
            "bị hỏng",
        ),
        (lambda p: _encrypted(p / "a.pdf"), "bị mã hóa"),
        (lambda p: _zero_pages(p / "a.pdf"), "không có trang"),
        (
            lambda p: (
                (p / "a.docx").write_bytes(b"PK\x03\x04 not a scan") and p / "a.docx"
            ),
            "không phải định dạng",
        ),
        (lambda p: (p / "a.pdf").write_bytes(b"") or p / "a.pdf", "rỗng"),
        (
            lambda p: (
                (p / "a.tif").write_bytes(b"II*\x00\x08\x00\x00\x00\xff\xff")
                and p / "a.tif"
            ),
            "TIFF",
        ),
    ],
    ids=["corrupt", "encrypted", "zero-page", "unsupported", "empty", "bad-tiff"],
)
def test_bad_input_is_refused_with_a_vietnamese_message_and_leaves_nothing(
    make, message, tmp_path, batch
):
    bad = make(tmp_path)
    workdir = tmp_path / "w"
    with pytest.raises(ScanInputError, match=message):
        # A good file in the same batch changes nothing: the batch fails whole.
        scan_run(sources=[batch.path, bad], workdir=workdir, dpi=200, ocr=False)
    assert not (workdir / "dossiers").exists()
    assert not (workdir / "pages").exists() or not any((workdir / "pages").iterdir())


def test_a_page_that_fails_mid_batch_fails_the_batch(tmp_path, batch, monkeypatch):
    from backoffice.scanning.pipeline import steps

    def broken(ref, dpi):
        if ref.number == 3:
            raise ScanInputError("Không dựng được trang 4.")
        return original(ref, dpi)

    original = steps.render_page_full
    monkeypatch.setattr(steps, "render_page_full", broken)
    with pytest.raises(ScanInputError, match="trang 4"):
        scan_run(sources=[batch.path], workdir=tmp_path, dpi=200, ocr=False)
    assert not (tmp_path / "pages").exists()
    assert not (tmp_path / "dossiers").exists()


def test_scan_style_clean_changes_nothing_but_the_paper(tmp_path):
    rng = __import__("random").Random(0)
    image, _ = text_page(rng, 150)
    from tests.support.synthetic import scan

    scanned, rotation, skew = scan(image, rng, ScanStyle.clean(), 150)
    assert (rotation, skew) == (0, 0.0)
    assert abs(scanned.astype(int) - image.astype(int)).mean() < 1.0


def test_owner_password_only_pdf_is_processed(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="", owner_password="chủ-sở-hữu")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    result = scan_run(sources=[path], workdir=tmp_path / "w", dpi=200, ocr=False)
    assert result.blank_pages == [0]


def test_scanner_jpeg_fast_path_matches_the_general_renderer(batch):
    import numpy as np
    from pdf2image import convert_from_path

    from backoffice.scanning.pipeline.sources import _scanner_jpeg, list_pages

    for ref in list_pages([batch.path])[:3]:
        fast = _scanner_jpeg(ref, 200)
        assert fast is not None
        slow = np.asarray(
            convert_from_path(
                ref.path,
                dpi=200,
                first_page=ref.number + 1,
                last_page=ref.number + 1,
                grayscale=True,
            )[0]
        )
        assert fast.shape == slow.shape
        assert np.abs(fast.astype(int) - slow.astype(int)).mean() < 3


def test_pages_with_text_or_vectors_take_the_general_renderer(tmp_path):
    from backoffice.scanning.pipeline.sources import _scanner_jpeg, list_pages
    from backoffice.scanning.sheets import sheets_pdf

    path = tmp_path / "sheets.pdf"
    path.write_bytes(
        sheets_pdf(
            dossier_code="A-1",
            procedure_code="1.000656",
            procedure_name="Đăng ký khai sinh",
            applicant_name="Lê Hoàng Phúc",
            agency_name="UBND phường 6",
            components=[(1, "Tờ khai")],
        )
    )
    refs = list_pages([path])
    assert _scanner_jpeg(refs[0], 200) is None
    # Printed (not scanned) sheets work too: the split needs no scanner.
    result = scan_run(sources=[path], workdir=tmp_path / "w", dpi=200, ocr=False)
    assert [p.sheet.kind for p in result.pages] == ["COVER", "SEP"]
    assert [p.rotation for p in result.pages] == [0, 0]


@pytest.mark.slow
def test_300_pages_at_300_dpi_stay_under_1_gb(tmp_path, batch):
    """The memory bound of the issue, measured in a fresh process by the bench."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[3]
    sys.path.insert(0, str(root / "bench"))
    from scan_speed import big_batch

    big = big_batch(300, batch.path, tmp_path / "big.pdf")
    done = subprocess.run(  # noqa: S603 — our own bench script
        [
            sys.executable,
            str(root / "bench" / "scan_speed.py"),
            "--rss-child",
            str(big),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=1200,
    )
    report = json.loads(done.stdout)
    assert report["pages"] == 300
    assert report["peak_rss_mb"] < 1024


def _sheet_images(dpi: int, components: list[tuple[int, str]]):
    import numpy as np
    from pdf2image import convert_from_bytes

    from backoffice.scanning.sheets import sheets_pdf

    pdf = sheets_pdf(
        dossier_code="000.00.31.H53-20261125-0000009",
        procedure_code="1.000656",
        procedure_name="Đăng ký khai sinh",
        applicant_name="Lê Hoàng Phúc",
        agency_name="UBND phường 6",
        components=components,
    )
    return [np.asarray(p.convert("L")) for p in convert_from_bytes(pdf, dpi=dpi)]


def _context_of(image, dpi, tmp_path):
    from backoffice.scanning.pipeline.base import PageContext
    from backoffice.scanning.pipeline.sources import PageRef

    page = PageContext(
        index=0,
        ref=PageRef(Path("x.pdf"), "pdf", 0),
        dpi=dpi,
        ocr=False,
        outdir=tmp_path,
    )
    page.image = image
    return page


def test_a_sheet_whose_qr_code_is_half_hidden_sends_what_follows_to_review(tmp_path):
    import random

    from backoffice.scanning.pipeline.steps import ReadSheet
    from tests.support.synthetic import scan

    dpi = 200
    sheets = _sheet_images(dpi, [(1, "Tờ khai"), (2, "Giấy chứng sinh bản chính")])
    torn = sheets[2].copy()
    found = zxingcpp.read_barcodes(torn, formats=zxingcpp.BarcodeFormat.QRCode)[0]
    corners = found.position
    left, right = corners.top_left.x, corners.top_right.x
    top, bottom = corners.top_left.y, corners.bottom_left.y
    # A fold over the lower half of the QR code, bottom-left finder pattern
    # included; the two top finder patterns remain.
    torn[(top + bottom) // 2 : bottom + 5, left - 5 : right + 5] = 255
    page = _context_of(torn, dpi, tmp_path)
    assert ReadSheet._finder_patterns(page) == 2
    assert ReadSheet._finder_patterns(_context_of(sheets[1], dpi, tmp_path)) == 3
    text, _ = text_page(random.Random(9), dpi)
    assert ReadSheet._finder_patterns(_context_of(text, dpi, tmp_path)) == 0
    rng = random.Random(2)
    pages = [sheets[0], sheets[1], text_page(rng, dpi)[0], torn, text_page(rng, dpi)[0]]
    scanned = [scan(p, rng, ScanStyle.clean(), dpi)[0] for p in pages]
    path = write_pages(scanned, tmp_path / "torn.pdf", dpi)
    result = scan_run(sources=[path], workdir=tmp_path / "w", dpi=dpi, ocr=False)
    assert result.pages[3].sheet is None and result.pages[3].sheet_unreadable
    assert result.unmatched_pages == [3, 4]
    assert [c.pages for c in result.dossiers[0].components] == [[2]]


def test_a_foreign_qr_code_on_a_document_is_just_content(tmp_path):
    import io
    import random

    import numpy as np
    import segno
    from PIL import Image

    dpi = 200
    sheets = _sheet_images(dpi, [(1, "Bản sao căn cước")])
    rng = random.Random(3)
    page, _ = text_page(rng, dpi)
    page = page.copy()
    buffer = io.BytesIO()
    # The QR code of a citizen ID card: about 20 mm, other content.
    segno.make("079188001234|123456789|Nguyễn Văn An|01011988|Nam", error="m").save(
        buffer, kind="png", scale=4, border=2
    )
    code = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))
    side = int(20 * dpi / 25.4)
    code = np.asarray(Image.fromarray(code).resize((side, side), Image.NEAREST))
    page[-side - 200 : -200, -side - 200 : -200] = code
    path = write_pages([sheets[0], sheets[1], page], tmp_path / "id.pdf", dpi)
    result = scan_run(sources=[path], workdir=tmp_path / "w", dpi=dpi, ocr=False)
    assert result.pages[2].sheet is None and not result.pages[2].sheet_unreadable
    assert [c.pages for c in result.dossiers[0].components] == [[2]]
    assert result.unmatched_pages == []
