"""Benchmark: scan pipeline accuracy on generated batches (prints one JSON object).

Run: .venv/bin/python bench/scan_accuracy.py [--batches 200] [--dpi 200]
                                             [--ocr-pages 12]

Part 1: `--batches` generated batches (tests/support/synthetic.py: several
dossiers each, the project's own QR sheets, skew up to ±5°, upside-down and
sideways pages, 150–300 dpi, JPEG artefacts, speckle, dark borders, blank pages)
go through scan_run without OCR; the split, the orientation, the residual skew
and the blank-page decisions are compared with the ground truth.
Part 2: `--ocr-pages` clean 300-dpi Vietnamese text pages go through the whole
pipeline with OCR; character accuracy = 1 − edit distance / length (whitespace
normalised).

Batches run in `--processes` processes with one page worker each. No database.
"""

import argparse
import json
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from backoffice.scanning.pipeline import scan_run
from tests.support.synthetic import (
    character_accuracy,
    generate_batch,
    text_page,
    write_pages,
)


def _dossiers(found: list[dict]) -> list:
    return [
        (
            d["code"],
            d["procedure_code"],
            [(c["position"], c["pages"]) for c in d["components"]],
        )
        for d in found
    ]


def one_batch(args: tuple[int, int]) -> dict:
    seed, dpi = args
    workdir = Path(tempfile.mkdtemp(prefix=f"scan-acc-{seed}-"))
    try:
        started = time.perf_counter()
        batch = generate_batch(seed=seed, workdir=workdir)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        result = scan_run(
            sources=[batch.path], workdir=workdir / "run", dpi=dpi, ocr=False, workers=1
        )
        elapsed = time.perf_counter() - started
        truth = batch.truth
        contract = result.as_contract_dict()
        pages = []
        for page, expected in zip(result.pages, truth.pages, strict=True):
            pages.append(
                {
                    "kind": expected.kind,
                    "blank_truth": expected.kind == "blank",
                    "blank_found": page.blank,
                    "rotation_ok": page.rotation == expected.rotation,
                    "skew_error": abs(page.skew - expected.skew),
                    "truth_rotation": expected.rotation,
                    "index": page.index,
                }
            )
        split_ok = (
            _dossiers(contract["dossiers"])
            == _dossiers(
                [
                    {
                        "code": d["code"],
                        "procedure_code": d["procedure_code"],
                        "components": d["components"],
                    }
                    for d in truth.dossiers()
                ]
            )
            and result.unmatched_pages == truth.unmatched_pages
        )
        return {
            "seed": seed,
            "scan_dpi": truth.dpi,
            "dossiers": len(truth.dossiers()),
            "components": sum(len(d["components"]) for d in truth.dossiers()),
            "split_ok": split_ok,
            "pages": pages,
            "seconds": elapsed,
            "generate_seconds": generated,
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def ocr_accuracy(count: int, dpi: int = 300) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="scan-ocr-"))
    try:
        rng = random.Random(2026)
        pages, texts = [], []
        for _ in range(count):
            image, text = text_page(rng, dpi)
            pages.append(image)
            texts.append(text)
        path = write_pages(pages, workdir / "clean.pdf", dpi)
        started = time.perf_counter()
        result = scan_run(
            sources=[path], workdir=workdir / "run", dpi=dpi, ocr=True, workers=2
        )
        elapsed = time.perf_counter() - started
        accuracy = [
            character_accuracy(page.ocr_text, text)
            for page, text in zip(result.pages, texts, strict=True)
        ]
        confidences = [
            p.ocr_confidence for p in result.pages if p.ocr_confidence is not None
        ]
        return {
            "pages": count,
            "dpi": dpi,
            "characters": sum(len(" ".join(t.split())) for t in texts),
            "character_accuracy_mean": round(statistics.mean(accuracy), 5),
            "character_accuracy_min": round(min(accuracy), 5),
            "mean_confidence": round(statistics.mean(confidences), 2)
            if confidences
            else None,
            "seconds": round(elapsed, 1),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--dpi", type=int, default=200, help="pipeline render dpi")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--ocr-pages", type=int, default=12)
    parser.add_argument("--first-seed", type=int, default=1)
    options = parser.parse_args()
    started = time.perf_counter()
    seeds = range(options.first_seed, options.first_seed + options.batches)
    with multiprocessing.Pool(options.processes) as pool:
        batches = pool.map(
            one_batch, [(seed, options.dpi) for seed in seeds], chunksize=1
        )
    pages = [p for b in batches for p in b["pages"]]
    content = [p for p in pages if not p["blank_truth"]]
    turned = [p for p in content if p["truth_rotation"]]
    true_blank = sum(p["blank_truth"] and p["blank_found"] for p in pages)
    found_blank = sum(p["blank_found"] for p in pages)
    all_blank = sum(p["blank_truth"] for p in pages)
    skew_errors = sorted(p["skew_error"] for p in content)
    report = {
        "batches": len(batches),
        "pipeline_dpi": options.dpi,
        "scan_dpi_range": [
            min(b["scan_dpi"] for b in batches),
            max(b["scan_dpi"] for b in batches),
        ],
        "pages": len(pages),
        "dossiers": sum(b["dossiers"] for b in batches),
        "components": sum(b["components"] for b in batches),
        "split_correct_batches": sum(b["split_ok"] for b in batches),
        "split_accuracy": round(sum(b["split_ok"] for b in batches) / len(batches), 4),
        "split_failures": [b["seed"] for b in batches if not b["split_ok"]],
        "orientation_pages": len(content),
        "orientation_turned_pages": len(turned),
        "orientation_correct": sum(p["rotation_ok"] for p in content),
        "orientation_failures": [
            (b["seed"], p["index"])
            for b in batches
            for p in b["pages"]
            if not p["blank_truth"] and not p["rotation_ok"]
        ][:20],
        "residual_skew_max_deg": round(skew_errors[-1], 3),
        "residual_skew_p99_deg": round(
            skew_errors[int(0.99 * (len(skew_errors) - 1))], 3
        ),
        "residual_skew_mean_deg": round(statistics.mean(skew_errors), 3),
        "pages_residual_skew_over_0_3": sum(e >= 0.3 for e in skew_errors),
        "blank_pages": all_blank,
        "blank_precision": round(true_blank / found_blank, 4) if found_blank else None,
        "blank_recall": round(true_blank / all_blank, 4) if all_blank else None,
        "pipeline_seconds_per_page_1_worker": round(
            sum(b["seconds"] for b in batches) / len(pages), 3
        ),
    }
    if options.ocr_pages:
        report["ocr_clean_300dpi"] = ocr_accuracy(options.ocr_pages)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
