"""The scan pipeline: a batch of scanned files in, dossiers and components out.

    result = scan_run(sources=[Path("lo-quet.pdf")], workdir=Path("/tmp/x"))

Each page goes through small steps with one contract (steps.py); pages run in
parallel on `workers` threads — the heavy parts (pdftoppm, OpenCV, zxing and
Tesseract in its own process) release the GIL — and the split by QR sheets and
the component PDFs follow once all pages are done. No Django here: the Celery
task and `manage.py intake_scan` both call scan_run and store the result.

The sources are only read, never written. Everything else lives in `workdir` and
is rebuilt on every run, so running a batch again gives the same result.
"""

import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

import cv2

from backoffice.scanning.labelling import (
    OCR_PAGE_SEPARATOR,
    join_page_texts,
    label_component_pdf,
    mean_confidence,
)

from .assemble import component_pdf, safe_name
from .base import PageContext, Step
from .errors import ScanInputError
from .results import (
    LOW_CONFIDENCE,
    REVIEW_BEFORE_COVER,
    REVIEW_DARK_PAGE,
    REVIEW_LOW_CONFIDENCE,
    REVIEW_PHOTO_NO_PAGE,
    REVIEW_UNMATCHED,
    REVIEW_UNREADABLE_SHEET,
    ComponentResult,
    DossierResult,
    PageResult,
    ScanResult,
)
from .sources import OpenPdfs, list_pages, sha256_file, sniff_scan_file
from .split import split_pages
from .steps import STEPS, process_page

__all__ = [
    "LOW_CONFIDENCE",
    "OCR_PAGE_SEPARATOR",
    "REVIEW_BEFORE_COVER",
    "REVIEW_DARK_PAGE",
    "REVIEW_LOW_CONFIDENCE",
    "REVIEW_PHOTO_NO_PAGE",
    "REVIEW_UNMATCHED",
    "REVIEW_UNREADABLE_SHEET",
    "ComponentResult",
    "DossierResult",
    "PageResult",
    "ScanInputError",
    "ScanResult",
    "STEPS",
    "Step",
    "join_page_texts",
    "label_component_pdf",
    "mean_confidence",
    "scan_run",
    "sniff_scan_file",
]

MIN_DPI = 200  # the searchable PDF keeps at least 200 dpi
MAX_DPI = 600


def scan_run(
    *,
    sources: list[Path],
    workdir: Path,
    dpi: int = 300,
    ocr: bool = True,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
    steps: list[Step] | None = None,
    min_confidence: float | None = None,
) -> ScanResult:
    """Run the whole pipeline; raises ScanInputError (Vietnamese message) on bad
    input, in which case nothing usable is left in workdir.

    The pipeline alone decides where each page goes: into a component, or to the
    review queue with its `review_reason`. With `min_confidence`, a page whose OCR
    confidence is below it is taken out of its component and reviewed instead.
    """
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}")
    sources = [Path(source) for source in sources]
    pdfs = OpenPdfs()
    try:
        return _scan(
            sources=sources,
            pdfs=pdfs,
            workdir=workdir,
            dpi=dpi,
            ocr=ocr,
            workers=workers,
            progress=progress,
            steps=steps,
            min_confidence=min_confidence,
        )
    finally:
        pdfs.close()


def _scan(
    *,
    sources: list[Path],
    pdfs: OpenPdfs,
    workdir: Path,
    dpi: int,
    ocr: bool,
    workers: int,
    progress: Callable[[int, int], None] | None,
    steps: list[Step] | None,
    min_confidence: float | None,
) -> ScanResult:
    refs = list_pages(sources, pdfs=pdfs)
    workdir = Path(workdir)
    pages_dir = workdir / "pages"
    dossiers_dir = workdir / "dossiers"
    # Only the folders this function writes are cleared: rebuilt from the sources.
    for folder in (pages_dir, dossiers_dir):
        shutil.rmtree(folder, ignore_errors=True)
    pages_dir.mkdir(parents=True)
    total = len(refs)
    contexts = [
        PageContext(index=i, ref=ref, dpi=dpi, ocr=ocr, outdir=pages_dir)
        for i, ref in enumerate(refs)
    ]
    if progress:
        progress(0, total)
    try:
        _run_pages(contexts, workers=max(1, workers), steps=steps, progress=progress)
        plan = split_pages(contexts)
        by_index = {page.index: page for page in contexts}
        weak = {
            page.index
            for page in contexts
            if min_confidence is not None
            and page.ocr_confidence is not None
            and page.ocr_confidence < min_confidence
        }
        dossiers: list[DossierResult] = []
        for dossier in plan.dossiers:
            components = []
            folder = dossiers_dir / safe_name(dossier.code)
            for position in sorted(dossier.components):
                component = dossier.components[position]
                # Pages read too badly to be trusted wait for a person instead.
                component.pages = [i for i in component.pages if i not in weak]
                if not component.pages:
                    continue
                pdf = component_pdf(
                    dossier=dossier,
                    component=component,
                    pages=by_index,
                    path=folder / f"{position:02d}.pdf",
                )
                components.append(
                    ComponentResult(
                        position=position,
                        name=component.name,
                        pages=list(component.pages),
                        pdf_path=pdf,
                        text=join_page_texts(
                            by_index[i].ocr_text for i in component.pages
                        ),
                        mean_confidence=mean_confidence(
                            by_index[i].ocr_confidence for i in component.pages
                        ),
                    )
                )
                for i in component.pages:
                    by_index[i].placement = (dossier, component)
            dossiers.append(
                DossierResult(dossier.code, dossier.procedure_code, components)
            )
    except BaseException:
        # A failed batch leaves nothing that could be mistaken for a result.
        shutil.rmtree(pages_dir, ignore_errors=True)
        shutil.rmtree(dossiers_dir, ignore_errors=True)
        raise
    covers = [p.index for p in contexts if p.sheet is not None and p.sheet.is_cover]
    first_cover = min(covers) if covers else None
    results = []
    for page in contexts:
        placed = page.placement
        results.append(
            PageResult(
                index=page.index,
                source=page.ref.path.name,
                rotation=page.rotation,
                skew=page.skew,
                blank=page.blank,
                sheet=page.sheet,
                ocr_text=page.ocr_text,
                ocr_confidence=page.ocr_confidence,
                source_page=page.ref.number,
                sheet_unreadable=page.sheet_unreadable,
                dossier_code=placed[0].code if placed else "",
                procedure_code=placed[0].procedure_code if placed else "",
                component_position=placed[1].position if placed else None,
                component_name=placed[1].name if placed else "",
                review_reason=(
                    ""
                    if placed
                    else _review_reason(page, weak=weak, first_cover=first_cover)
                ),
                image_path=page.image_path,
                pdf_path=page.pdf_path,
                timings=page.timings,
                cpu_timings=page.cpu_timings,
                has_colour=page.has_colour,
                source_dpi=page.source_dpi,
                ocr_dpi=page.ocr_dpi,
                camera=page.camera,
                flattened=page.flattened,
                dark=page.dark,
                encoding=page.encoding,
                pdf_bytes=page.pdf_bytes,
                image_dpi=page.dpi,
            )
        )
    return ScanResult(
        pages=results,
        dossiers=dossiers,
        blank_pages=plan.blank_pages,
        unmatched_pages=sorted({*plan.unmatched_pages, *weak}),
        thumbnails={p.index: p.thumbnail_path for p in contexts if p.thumbnail_path},
        source_sha256={path.name: sha256_file(path) for path in sources},
        dpi=dpi,
        ocr=ocr,
    )


def _review_reason(
    page: PageContext, *, weak: set[int], first_cover: int | None
) -> str:
    """Why a page that is in no component needs a person ("" when it needs none)."""
    if page.index in weak:
        return REVIEW_LOW_CONFIDENCE
    if page.dark:
        return REVIEW_DARK_PAGE
    if page.no_page:
        return REVIEW_PHOTO_NO_PAGE
    if page.blank or (page.sheet is not None and not page.sheet_unreadable):
        return ""
    if page.sheet_unreadable:
        return REVIEW_UNREADABLE_SHEET
    if first_cover is None or page.index < first_cover:
        return REVIEW_BEFORE_COVER
    return REVIEW_UNMATCHED


def _run_pages(
    contexts: list[PageContext],
    *,
    workers: int,
    steps: list[Step] | None,
    progress: Callable[[int, int], None] | None,
) -> None:
    total = len(contexts)
    done = 0
    with (
        _opencv_threads(1 if workers > 1 else None),
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scan-page") as pool,
    ):
        pending = {pool.submit(process_page, page, steps) for page in contexts}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
                done += 1
            if progress:
                progress(done, total)


@contextmanager
def _opencv_threads(count: int | None) -> Iterator[None]:
    """OpenCV's own thread pool off while pages run in parallel: the pages are
    the parallelism, and on two cores busy with two page workers OpenCV's
    helper threads only add CPU (waking, splitting, waiting) to each warp and
    resize. The previous setting comes back afterwards (it is per process)."""
    if count is None:
        yield
        return
    previous = cv2.getNumThreads()
    cv2.setNumThreads(count)
    try:
        yield
    finally:
        cv2.setNumThreads(previous)
