"""The second round of CPU savings for issue 17's speed target, each checked by
what the pipeline does rather than by timing: OpenCV's own threads are off while
pages run in parallel, a source PDF is parsed once per worker instead of once
per page, the picture check shrinks the analysis copy instead of the full page,
the coarse skew search reads a thinned sample of the ink, a text page is
read for a QR code once, and a read sheet's tilt is searched only around
its QR code's."""

import os
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from pdf2image import convert_from_bytes

from backoffice.scanning.pipeline import layout, pdfpage, scan_run, sources
from backoffice.scanning.pipeline.base import PageContext, Step
from backoffice.scanning.pipeline.imaging import ink_mask, reduced
from backoffice.scanning.pipeline.sources import OpenPdfs, PageRef, list_pages
from backoffice.scanning.pipeline.steps import (
    Deskew,
    Orient,
    ReadSheet,
    Render,
    WritePage,
)
from backoffice.scanning.sheets import sheets_pdf
from tests.fixtures import scan_batches
from tests.support.synthetic import ScanStyle, scan, text_page

# The shared small batch (made once per module).
batch = scan_batches.batch


def _context(image, dpi, tmp_path):
    page = PageContext(
        index=0,
        ref=PageRef(Path("x.pdf"), "pdf", 0),
        dpi=dpi,
        ocr=False,
        outdir=tmp_path,
    )
    page.image = image
    return page


class _ThreadProbe(Step):
    name = "probe"

    def __init__(self) -> None:
        self.seen: list[int] = []

    def run(self, page: PageContext) -> None:
        self.seen.append(cv2.getNumThreads())


def test_opencv_threads_are_off_while_pages_run_in_parallel(batch, tmp_path):
    previous = cv2.getNumThreads()
    cv2.setNumThreads(4)
    try:
        probe = _ThreadProbe()
        scan_run(
            sources=[batch.path],
            workdir=tmp_path / "w",
            dpi=200,
            ocr=False,
            workers=2,
            steps=[Render(), probe],
        )
        # Two page workers are the parallelism: OpenCV's helper threads only
        # added CPU to every warp and resize (before: 4 here).
        assert probe.seen and set(probe.seen) == {1}
        # The process's setting comes back once the batch is done.
        assert cv2.getNumThreads() == 4
        # One worker leaves OpenCV as it is.
        probe = _ThreadProbe()
        scan_run(
            sources=[batch.path],
            workdir=tmp_path / "w1",
            dpi=200,
            ocr=False,
            workers=1,
            steps=[Render(), probe],
        )
        assert set(probe.seen) == {4}
    finally:
        cv2.setNumThreads(previous)


def _open_fds_on(path: Path) -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path.resolve()):
                count += 1
        except OSError:
            continue  # closed meanwhile
    return count


def test_a_source_pdf_is_parsed_once_per_worker_not_once_per_page(
    batch, tmp_path, monkeypatch
):
    parsed = []
    original = sources.PdfReader

    def counting(*args, **kwargs):
        parsed.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(sources, "PdfReader", counting)
    result = scan_run(
        sources=[batch.path], workdir=tmp_path / "w", dpi=200, ocr=False, workers=1
    )
    assert len(result.pages) >= 5
    # Counting the pages (1) and rendering them all (1), where before every page
    # opened and parsed the file again (1 + pages).
    assert len(parsed) == 2
    # Every page still reads as before.
    assert all(
        page.rotation == truth.rotation
        for page, truth in zip(result.pages, batch.truth.pages, strict=True)
    )
    # And the file is closed when the batch ends.
    assert _open_fds_on(batch.path) == 0


def test_a_page_rendered_from_the_open_pdf_is_the_same_page(batch):
    pdfs = OpenPdfs()
    try:
        shared = list_pages([batch.path], pdfs=pdfs)
        alone = list_pages([batch.path])
        for with_pdfs, without in zip(shared[:3], alone[:3], strict=True):
            assert with_pdfs == without  # the open files do not make a page differ
            a = sources.render_page_full(with_pdfs, 200)
            b = sources.render_page_full(without, 200)
            assert np.array_equal(a.gray, b.gray)
            assert a.source_dpi == b.source_dpi
        assert pdfs.parsed == 1
    finally:
        pdfs.close()
    assert _open_fds_on(batch.path) == 0


def test_a_broken_pdf_still_gets_a_clear_error_with_open_pdfs(tmp_path):
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    with pytest.raises(sources.ScanInputError) as caught:
        scan_run(sources=[broken], workdir=tmp_path / "w", dpi=200, ocr=False)
    assert "hong.pdf" in str(caught.value)
    assert not (tmp_path / "w" / "pages").exists()
    assert _open_fds_on(broken) == 0


def test_the_picture_check_shrinks_the_analysis_copy_not_the_page(
    tmp_path, monkeypatch
):
    rng = random.Random(7)
    upright, _text = text_page(rng, 300)
    image, _rotation, _skew = scan(upright, rng, ScanStyle.clean(), 300)
    page = _context(np.ascontiguousarray(image), 300, tmp_path)
    analysis = page.reduced()
    shrunk = []
    original = pdfpage.reduced

    def counting(pixels, dpi, target=100):
        shrunk.append(pixels.shape)
        return original(pixels, dpi, target)

    monkeypatch.setattr(pdfpage, "reduced", counting)
    WritePage().run(page)
    assert page.encoding == pdfpage.BITONAL
    # Only the 100-dpi copy was shrunk (before: the full 300-dpi page, ~5 ms).
    assert shrunk == [analysis.shape]
    # The verdict is the one the full page gives, for text and for a photo.
    assert pdfpage.has_pictures(image, 300, analysis) is pdfpage.has_pictures(
        image, 300
    )
    photo = cv2.GaussianBlur(
        np.random.default_rng(1).integers(60, 200, image.shape, np.uint8), (31, 31), 0
    )
    photo_small = reduced(photo, 300)
    assert pdfpage.has_pictures(photo, 300)
    assert pdfpage.has_pictures(photo, 300, photo_small)


def test_the_coarse_skew_search_reads_a_thinned_sample(monkeypatch):
    rng = random.Random(12)
    upright, _text = text_page(rng, 300)
    image, _rotation, skew = scan(
        upright, rng, ScanStyle(turn_probability=0.0, border_probability=0.0), 300
    )
    mask = ink_mask(reduced(image, 300))
    points = int(np.count_nonzero(mask))
    assert points > layout.COARSE_POINTS
    sizes = []
    original = layout._score

    def counting(ys, xs, angle):
        sizes.append(ys.size)
        return original(ys, xs, angle)

    monkeypatch.setattr(layout, "_score", counting)
    found = layout.find_layout(mask)
    assert found is not None and not found.vertical
    # 41 half-degree angles each way on the sample, then every 0.1° within half
    # a degree on every point (before: all 82 + 21 projections on every point).
    coarse, fine = sizes[:82], sizes[82:]
    assert max(coarse) <= layout.COARSE_POINTS
    assert len(fine) == 11 and set(fine) == {layout.ink_points(mask)[0].size}
    # And it still levels the page: the projection angle is the tilt.
    assert abs(-found.angle - skew) < 0.1
    refined = layout.refine_angle(mask)
    assert refined is not None and abs(-refined - skew) < 0.1


def test_a_read_sheet_searches_its_tilt_only_around_the_qr_codes(tmp_path, monkeypatch):
    pdf = sheets_pdf(
        dossier_code="000.00.31.H53-20261201-0001701",
        procedure_code="1.000656",
        procedure_name="Đăng ký khai sinh",
        applicant_name="Lê Hoàng Phúc",
        agency_name="UBND phường 6",
        components=[(1, "Tờ khai")],
    )
    upright = np.asarray(convert_from_bytes(pdf, dpi=300)[0].convert("L"))
    rng = random.Random(21)
    for _ in range(3):
        image, rotation, skew = scan(
            upright, rng, ScanStyle(turn_probability=1.0, border_probability=0.0), 300
        )
        assert abs(skew) > 0.3
        page = _context(np.ascontiguousarray(image), 300, tmp_path)
        ReadSheet().run(page)
        assert page.sheet is not None
        assert abs(page.qr_tilt - skew) < 0.3
        Orient().run(page)
        sizes = []
        original = layout._score

        def counting(ys, xs, angle, original=original, sizes=sizes):
            sizes.append(ys.size)
            return original(ys, xs, angle)

        monkeypatch.setattr(layout, "_score", counting)
        Deskew().run(page)
        monkeypatch.undo()
        assert page.rotation == rotation
        # Levelled as precisely as before…
        assert abs(page.skew - skew) < 0.3
        # …from 5 half-degree steps within 1° of the code's tilt and 11 fine
        # ones (before: 41 half-degree steps over ±10°, then the fine ones).
        assert len(sizes) == 5 + 11
