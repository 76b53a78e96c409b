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
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

from .assemble import component_pdf, safe_name
from .base import PageContext, Step
from .errors import ScanInputError
from .results import (
    LOW_CONFIDENCE,
    ComponentResult,
    DossierResult,
    PageResult,
    ScanResult,
)
from .sources import list_pages, sha256_file, sniff_scan_file
from .split import split_pages
from .steps import STEPS, process_page

__all__ = [
    "LOW_CONFIDENCE",
    "ComponentResult",
    "DossierResult",
    "PageResult",
    "ScanInputError",
    "ScanResult",
    "STEPS",
    "Step",
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
) -> ScanResult:
    """Run the whole pipeline; raises ScanInputError (Vietnamese message) on bad
    input, in which case nothing usable is left in workdir."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi must be between {MIN_DPI} and {MAX_DPI}")
    sources = [Path(source) for source in sources]
    refs = list_pages(sources)
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
        dossiers: list[DossierResult] = []
        for dossier in plan.dossiers:
            components = []
            folder = dossiers_dir / safe_name(dossier.code)
            for position in sorted(dossier.components):
                component = dossier.components[position]
                if not component.pages:
                    continue
                pdf = component_pdf(
                    dossier=dossier,
                    component=component,
                    pages=by_index,
                    path=folder / f"{position:02d}.pdf",
                )
                confidences = [
                    by_index[i].ocr_confidence
                    for i in component.pages
                    if by_index[i].ocr_confidence is not None
                ]
                components.append(
                    ComponentResult(
                        position=position,
                        name=component.name,
                        pages=list(component.pages),
                        pdf_path=pdf,
                        text="\n\f\n".join(
                            by_index[i].ocr_text for i in component.pages
                        ),
                        mean_confidence=(
                            round(sum(confidences) / len(confidences), 2)
                            if confidences
                            else None
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
                image_path=page.image_path,
                pdf_path=page.pdf_path,
                timings=page.timings,
                cpu_timings=page.cpu_timings,
            )
        )
    return ScanResult(
        pages=results,
        dossiers=dossiers,
        blank_pages=plan.blank_pages,
        unmatched_pages=plan.unmatched_pages,
        thumbnails={p.index: p.thumbnail_path for p in contexts if p.thumbnail_path},
        source_sha256={path.name: sha256_file(path) for path in sources},
        dpi=dpi,
        ocr=ocr,
    )


def _run_pages(contexts, *, workers, steps, progress) -> None:
    total = len(contexts)
    done = 0
    with ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix="scan-page"
    ) as pool:
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
