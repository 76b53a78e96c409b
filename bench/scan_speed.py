"""Benchmark: scan pipeline speed and memory (prints one JSON object).

Run: .venv/bin/python bench/scan_speed.py [--seed 4242] [--rss-pages 300] [--repeat 2]

On one generated batch (300-dpi scan, covers, separators, text pages, a blank
page or two), with 2 page workers, best of `--repeat` runs:
- pages per second at 200 and 300 dpi without and with OCR; wall and CPU time per
  page; the CPU time of each step per page (thread CPU, so other work on the
  machine does not inflate it) — "the steps other than OCR" — in all and per
  kind of page (cover, separator, content, blank; a read QR sheet is kept at
  a lower resolution, see `image_dpi`);
- Tesseract alone (2 processes, OMP_THREAD_LIMIT=1) on (a) exactly the page
  images the pipeline gave Tesseract, with plain text output and with the same
  pdf+tsv+txt outputs (the latter taking turns with the pipeline round by
  round, so both see the same load; each round's pair is reported too), and (b)
  every page of the batch as scanned; the ratios
  pipeline / Tesseract alone in wall time and in CPU time (CPU is the fair one
  on a shared machine: wall time moves with whatever else runs);
- peak RSS (sampled) of a fresh process running a `--rss-pages`-page 300-dpi
  batch without OCR (the pages of the batch repeated), and of its largest child.
No database.
"""

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle, islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2
import numpy as np
import psutil
from pypdf import PdfReader

from backoffice.scanning.pipeline import scan_run
from backoffice.scanning.pipeline.sources import list_pages, render_page
from backoffice.scanning.pipeline.steps import TESSERACT
from tests.support.synthetic import generate_batch, write_pages


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (Tesseract,
    pdftoppm): unlike wall time, barely moved by other work on the machine."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _self_cpu() -> float:
    """CPU seconds of this process only (the pipeline's own work, no Tesseract)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def _measure(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall and best CPU seconds over `repeat` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    return min(walls), min(cpus), result


def _steps(result) -> dict[str, float]:
    names: dict[str, list[float]] = {}
    for page in result.pages:
        for name, seconds in page.cpu_timings.items():
            names.setdefault(name, []).append(seconds * 1000)
    # Mean over all pages (a step that did not run on a page counts as 0 ms).
    count = len(result.pages)
    return {name: round(sum(values) / count, 1) for name, values in names.items()}


def _steps_by_kind(result, kinds: list[str]) -> dict[str, dict]:
    """Mean step CPU per page (thread CPU, ms) for each kind of page of the
    generated batch (cover, separator, content, blank), and the resolution its
    image was kept at."""
    report: dict[str, dict] = {}
    for kind in dict.fromkeys(kinds):
        pages = [p for p, k in zip(result.pages, kinds, strict=True) if k == kind]
        names = {name for page in pages for name in page.cpu_timings}
        steps = {
            name: round(
                sum(p.cpu_timings.get(name, 0.0) for p in pages) * 1000 / len(pages), 1
            )
            for name in sorted(names)
        }
        report[kind] = {
            "pages": len(pages),
            "image_dpi": sorted(
                {getattr(p, "image_dpi", None) or 0 for p in pages} - {0}
            ),
            "step_cpu_ms_per_page": steps,
            "total_step_cpu_ms_per_page": round(sum(steps.values()), 1),
        }
    return report


def _tesseract_alone(images: list[Path], dpi: int, outputs: list[str]) -> None:
    def one(image: Path) -> None:
        subprocess.run(  # noqa: S603 — fixed argv
            [
                TESSERACT,
                str(image),
                str(image.with_suffix("")) + "-alone",
                "-l",
                "vie",
                "--dpi",
                str(dpi),
                "--psm",
                "3",
                *outputs,
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(one, images))


def speed(path: Path, dpi: int, tmp: Path, repeat: int, kinds: list[str]) -> dict:
    def pipeline(ocr: bool):
        return lambda: scan_run(
            sources=[path],
            workdir=tmp / f"run-{dpi}-{ocr}",
            dpi=dpi,
            ocr=ocr,
            workers=2,
        )

    plain_wall, plain_cpu, plain = _measure(pipeline(False), repeat)
    pages = len(plain.pages)
    # With OCR: the pipeline and Tesseract alone (pdf+tsv+txt) on exactly the
    # images Tesseract read inside the pipeline, taking turns round by round, so
    # both see the same load on a shared machine; best of the rounds for each,
    # and the ratio within each round.
    alone_dir = tmp / f"alone-{dpi}"
    alone_dir.mkdir()
    images: list[Path] = []
    rounds = []
    for _ in range(repeat):
        own = _self_cpu()
        ocr_round = _measure(pipeline(True), 1)
        own = _self_cpu() - own
        with_ocr = ocr_round[2]
        if not images:
            for page in with_ocr.pages:
                if page.ocr_confidence is not None or page.ocr_text:
                    target = alone_dir / page.image_path.name
                    shutil.copy(page.image_path, target)
                    images.append(target)
        alone_round = _measure(
            lambda: _tesseract_alone(images, dpi, ["pdf", "tsv", "txt"]), 1
        )
        rounds.append((ocr_round, alone_round, own))
    ocr_wall = min(r[0][0] for r in rounds)
    ocr_cpu = min(r[0][1] for r in rounds)
    ocr_pages = images
    # And every page of the batch as scanned (what "OCR the scan" without the
    # pipeline would do), rendered at the same dpi beforehand.
    raw = []
    for ref in list_pages([path]):
        target = alone_dir / f"raw-{ref.number:04d}.jpg"
        cv2.imwrite(str(target), render_page(ref, dpi), [cv2.IMWRITE_JPEG_QUALITY, 80])
        raw.append(target)
    alone = {
        "same_pages_txt": _measure(
            lambda: _tesseract_alone(images, dpi, ["txt"]), repeat
        ),
        "same_pages_pdf_tsv_txt": (
            min(r[1][0] for r in rounds),
            min(r[1][1] for r in rounds),
            None,
        ),
        "all_pages_as_scanned_pdf_tsv_txt": _measure(
            lambda: _tesseract_alone(raw, dpi, ["pdf", "tsv", "txt"]), repeat
        ),
    }
    steps = _steps(plain)
    return {
        "dpi": dpi,
        "pages": pages,
        "without_ocr": {
            "wall_seconds": round(plain_wall, 2),
            "pages_per_second": round(pages / plain_wall, 2),
            "wall_ms_per_page": round(plain_wall / pages * 1000, 1),
            "cpu_ms_per_page": round(plain_cpu / pages * 1000, 1),
            "step_cpu_ms_per_page": steps,
            "by_page_kind": _steps_by_kind(plain, kinds),
        },
        "with_ocr": {
            "wall_seconds": round(ocr_wall, 2),
            "cpu_seconds": round(ocr_cpu, 2),
            "pages_per_second": round(pages / ocr_wall, 2),
            "ocr_pages": len(ocr_pages),
            "rounds_cpu_seconds_pipeline_vs_tesseract_same_pages": [
                [round(r[0][1], 2), round(r[1][1], 2), round(r[0][1] / r[1][1], 3)]
                for r in rounds
            ],
            # The pipeline's own CPU (this process: every step but Tesseract,
            # the split, the component PDFs) per round, and what it adds to
            # Tesseract alone: 1 + own / Tesseract alone. Tesseract's own CPU
            # moves by ±5 % from run to run on a shared machine; this does not.
            "rounds_pipeline_own_cpu_seconds": [round(r[2], 2) for r in rounds],
            "ratio_cpu_own_work_over_tesseract_alone": round(
                1 + min(r[2] for r in rounds) / min(r[1][1] for r in rounds), 3
            ),
            "tesseract_alone": {
                name: {
                    "pages": len(raw if name.startswith("all") else images),
                    "wall_seconds": round(wall, 2),
                    "cpu_seconds": round(cpu, 2),
                    "ratio_wall": round(ocr_wall / wall, 3),
                    "ratio_cpu": round(ocr_cpu / cpu, 3),
                }
                for name, (wall, cpu, _result) in alone.items()
            },
        },
    }


def big_batch(pages: int, source: Path, target: Path) -> Path:
    """A `pages`-page 300-dpi batch made of the source's scanned pages, repeated,
    written page by page."""
    jpegs = [page.images[0].data for page in PdfReader(source).pages]

    def decoded():
        for data in islice(cycle(jpegs), pages):
            yield cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)

    return write_pages(decoded(), target, 300)


def rss_child(big: Path, tmp: Path) -> dict:
    """Runs in a fresh process: the batch at 300 dpi without OCR; RSS sampled every
    20 ms (ru_maxrss is useless here: Linux carries it over from the parent)."""
    dpi = 300
    me = psutil.Process()
    peak = {"self": 0, "children": 0}
    running = threading.Event()
    running.set()

    def sample() -> None:
        while running.is_set():
            peak["self"] = max(peak["self"], me.memory_info().rss)
            children = 0
            for child in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # it may have just exited
                    children = max(children, child.memory_info().rss)
            peak["children"] = max(peak["children"], children)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    before = me.memory_info().rss
    sampler.start()
    started = time.perf_counter()
    result = scan_run(sources=[big], workdir=tmp / "big", dpi=dpi, ocr=False, workers=2)
    seconds = time.perf_counter() - started
    running.clear()
    sampler.join()
    return {
        "pages": len(result.pages),
        "dpi": dpi,
        "seconds": round(seconds, 1),
        "pages_per_second": round(len(result.pages) / seconds, 2),
        "peak_rss_mb": round(peak["self"] / 2**20),
        "rss_before_run_mb": round(before / 2**20),
        "peak_rss_largest_child_mb": round(peak["children"] / 2**20),
        "batch_file_mb": round(big.stat().st_size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--rss-pages", type=int, default=300)
    parser.add_argument("--dpis", default="200,300")
    parser.add_argument("--repeat", type=int, default=2, help="best of N runs")
    parser.add_argument("--rss-child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="scan-speed-"))
    try:
        if options.rss_child:
            print(json.dumps(rss_child(Path(options.rss_child), tmp)))
            return
        batch = generate_batch(
            seed=options.seed,
            workdir=tmp,
            dpi=300,
            dossiers=(2, 2),
            components=(2, 3),
            pages_per_component=(2, 3),
            blank_probability=0.1,
            stray_pages=0,
        )
        report = {
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "batch_pages": len(batch.truth.pages),
            "kinds": {
                kind: sum(p.kind == kind for p in batch.truth.pages)
                for kind in ("cover", "separator", "content", "blank")
            },
            "runs": [
                speed(
                    batch.path,
                    int(dpi),
                    tmp,
                    options.repeat,
                    [p.kind for p in batch.truth.pages],
                )
                for dpi in options.dpis.split(",")
            ],
        }
        if options.rss_pages:
            big = big_batch(options.rss_pages, batch.path, tmp / "big.pdf")
            child = subprocess.run(  # noqa: S603 — this script, fixed argv
                [sys.executable, __file__, "--rss-child", str(big)],
                check=True,
                capture_output=True,
                text=True,
            )
            report["memory"] = json.loads(child.stdout)
        report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(report, ensure_ascii=False, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
