"""Benchmark: scan fidelity per page kind (prints one JSON object).

Run: .venv/bin/python bench/scan_fidelity.py [--seed 17] [--pages 4] [--repeat 2]

Generated with their ground truth (tests/support/synthetic.py), each kind behind
its own cover and separator sheet, run through scan_run at 300 dpi with OCR:
- clean_300: grey 300-dpi scans of text pages (one fed upside down);
- colour_300: colour scans of pages with a red seal and a blue signature;
- phone_photo: 12 MP phone photos (±25° keystone, desk, shadow, EXIF-rotated);
- fax_150 / fax_200: bitonal 150-dpi PDF and 200-dpi G4 TIFF pages.
Per kind: split and orientation accuracy, OCR character accuracy (mean, min),
seal hue of the component PDF against the original scan (degrees), bytes per
page of the component PDF by encoding. Then the pipeline/Tesseract ratio on the
same text pages (CPU and wall; Tesseract alone: 2 processes, OMP_THREAD_LIMIT=1,
pdf+tsv+txt on exactly the images the pipeline gave it, taking turns with the
pipeline round by round), and what upscaling a
150-dpi page for OCR buys. No database.
"""

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2
import numpy as np
from pdf2image import convert_from_bytes, convert_from_path

from backoffice.scanning.pipeline import scan_run
from backoffice.scanning.sheets import sheets_pdf
from bench.scan_speed import _cpu, _tesseract_alone
from tests.support.synthetic import (
    ScanStyle,
    character_accuracy,
    colour_page,
    fax_page,
    hue_difference,
    phone_photo,
    region_hue,
    scan,
    scan_colour,
    text_page,
    write_bitonal,
    write_colour_pdf,
    write_pages,
)

CODE = "000.00.31.H53-20261201-0001701"
DPI = 300


def _sheets_pdf() -> bytes:
    return sheets_pdf(
        dossier_code=CODE,
        procedure_code="1.000656",
        procedure_name="Đăng ký khai sinh",
        applicant_name="Lê Hoàng Phúc",
        agency_name="UBND phường 6",
        components=[(1, "Tờ khai")],
    )


def _sheet_images(dpi: int, bitonal: bool = False) -> list[np.ndarray]:
    pages = [
        np.asarray(p.convert("L")) for p in convert_from_bytes(_sheets_pdf(), dpi=dpi)
    ]
    if bitonal:
        pages = [np.where(p < 128, 0, 255).astype(np.uint8) for p in pages]
    return pages


def _turn(image: np.ndarray, clockwise_fed: int) -> np.ndarray:
    codes = {
        90: cv2.ROTATE_90_CLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_COUNTERCLOCKWISE,
    }
    return cv2.rotate(image, codes[clockwise_fed]) if clockwise_fed else image


def make_kind(kind: str, rng: random.Random, pages: int, tmp: Path) -> dict:
    """Sources, and the truth of each content page: text, correction, seal."""
    folder = tmp / kind
    folder.mkdir()
    truth = []
    turns = [0] * pages
    turns[-1] = 180  # one page fed upside down
    if kind == "clean_300":
        images = []
        for turn in turns:
            image, text = text_page(rng, DPI)
            scanned, _r, _s = scan(image, rng, ScanStyle.clean(), DPI)
            images.append(_turn(scanned, turn))
            truth.append({"text": text, "rotation": (360 - turn) % 360})
        sources = [write_pages([*_sheet_images(DPI), *images], folder / "lo.pdf", DPI)]
    elif kind == "colour_300":
        images = []
        for turn in turns:
            page = colour_page(rng, DPI)
            scanned = scan_colour(page.image, rng)
            images.append(_turn(scanned, turn))
            truth.append(
                {
                    "text": page.text,
                    "rotation": (360 - turn) % 360,
                    "seal_box": page.seal_box,
                    "page_size": page.image.shape[:2],
                    "original_hue": region_hue(_seal_half(scanned, page.seal_box)),
                }
            )
        sheets = [cv2.cvtColor(s, cv2.COLOR_GRAY2BGR) for s in _sheet_images(DPI)]
        sources = [write_colour_pdf([*sheets, *images], folder / "mau.pdf", DPI)]
    elif kind == "phone_photo":
        sheet_pdf = folder / "to-bia.pdf"
        sheet_pdf.write_bytes(_sheets_pdf())
        sources = [sheet_pdf]
        for number in range(pages):
            page = colour_page(rng, DPI)
            photo = phone_photo(page.image, rng, megapixels=12)
            path = folder / f"anh-{number}.jpg"
            path.write_bytes(photo.jpeg)
            sources.append(path)
            truth.append(
                {
                    "text": page.text,
                    "rotation": 0,
                    "seal_box": page.seal_box,
                    "page_size": page.image.shape[:2],
                    "original_hue": region_hue(_seal_half(page.image, page.seal_box)),
                    "keystone": round(photo.keystone, 1),
                }
            )
    elif kind in ("fax_150", "fax_200"):
        dpi = 150 if kind == "fax_150" else 200
        images = []
        for turn in turns:
            image, text = fax_page(rng, dpi)
            images.append(_turn(image, turn))
            truth.append({"text": text, "rotation": (360 - turn) % 360})
        suffix = ".pdf" if dpi == 150 else ".tif"
        sources = [
            write_bitonal(
                [*_sheet_images(dpi, True), *images], folder / f"fax{suffix}", dpi
            )
        ]
    else:
        raise ValueError(kind)
    return {"sources": sources, "truth": truth}


def _seal_half(bgr: np.ndarray, box) -> np.ndarray:
    """The right half of the seal (the signature stops short of it), inset 10 %."""
    x, y, w, h = box
    inset = w // 10
    return bgr[y + inset : y + h - inset, x + w // 2 : x + w - inset]


def _rendered_seal_hue(pdf: Path, page_number: int, item: dict) -> float | None:
    shown = convert_from_path(
        pdf, dpi=DPI, first_page=page_number, last_page=page_number
    )
    bgr = np.asarray(shown[0].convert("RGB"))[:, :, ::-1]
    height, width = item["page_size"]
    scale = bgr.shape[1] / width
    x, y, w, h = (round(v * scale) for v in item["seal_box"])
    return region_hue(_seal_half(bgr, (x, y, w, h)))


def measure_kind(kind: str, made: dict, tmp: Path) -> dict:
    started = time.perf_counter()
    result = scan_run(
        sources=made["sources"], workdir=tmp / f"run-{kind}", dpi=DPI, ocr=True
    )
    seconds = time.perf_counter() - started
    content = [p for p in result.pages if p.sheet is None and not p.blank]
    truth = made["truth"]
    placed = [
        p for p in content if p.dossier_code == CODE and p.component_position == 1
    ]
    sheets_ok = [p.sheet.kind if p.sheet else None for p in result.pages[:2]] == [
        "COVER",
        "SEP",
    ]
    accuracies = [
        character_accuracy(p.ocr_text, t["text"])
        for p, t in zip(content, truth, strict=False)
    ]
    rotations = [
        p.rotation == t["rotation"] for p, t in zip(content, truth, strict=False)
    ]
    report = {
        "pages": len(truth),
        "seconds": round(seconds, 1),
        "split_accuracy": round(len(placed) / len(truth), 3) if sheets_ok else 0.0,
        "orientation_accuracy": round(sum(rotations) / len(truth), 3),
        "ocr_char_accuracy_mean": round(float(np.mean(accuracies)), 4),
        "ocr_char_accuracy_min": round(float(np.min(accuracies)), 4),
        "encodings": sorted({p.encoding for p in content}),
        "bytes_per_page_mean": round(float(np.mean([p.pdf_bytes for p in content]))),
        "bytes_per_page_max": max(p.pdf_bytes for p in content),
        "flattened": sum(p.flattened for p in content),
        "source_dpi": sorted({round(p.source_dpi) for p in content if p.source_dpi}),
        "ocr_dpi": sorted({p.ocr_dpi for p in content if p.ocr_dpi}),
    }
    if "seal_box" in truth[0] and result.dossiers:
        [component] = result.dossiers[0].components
        errors = []
        for number, (page, item) in enumerate(
            zip(content, truth, strict=False), start=1
        ):
            if page.rotation:
                continue  # the seal box is known in the upright page only
            hue = _rendered_seal_hue(component.pdf_path, number, item)
            if hue is None or item["original_hue"] is None:
                errors.append(180.0)
            else:
                errors.append(hue_difference(hue, item["original_hue"]))
        report["seal_hue_error_deg_max"] = round(max(errors), 1)
        report["seal_hue_error_deg_mean"] = round(float(np.mean(errors)), 1)
        report["colour_pages"] = sum(p.has_colour for p in content)
    if "keystone" in truth[0]:
        report["keystones_deg"] = [t["keystone"] for t in truth]
    return report


def ratio(rng: random.Random, pages: int, tmp: Path, repeat: int) -> dict:
    """Pipeline (OCR on) against Tesseract alone on the same text pages."""
    images = []
    for _ in range(pages):
        image, _text = text_page(rng, DPI)
        images.append(scan(image, rng, ScanStyle.clean(), DPI)[0])
    source = write_pages(images, tmp / "text-pages.pdf", DPI)
    # The pipeline and Tesseract alone take turns round by round, so both see
    # the same load on a shared machine; best of the rounds for each.
    best_wall = best_cpu = alone_wall = alone_cpu = float("inf")
    alone_dir = tmp / "alone"
    alone_dir.mkdir()
    same: list[Path] = []
    rounds = []
    for attempt in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        result = scan_run(
            sources=[source], workdir=tmp / f"ratio-{attempt}", dpi=DPI, ocr=True
        )
        pipeline_wall, pipeline_cpu = time.perf_counter() - wall, _cpu() - cpu
        if not same:
            for page in result.pages:
                target = alone_dir / page.image_path.name
                shutil.copy(page.image_path, target)
                same.append(target)
        wall, cpu = time.perf_counter(), _cpu()
        _tesseract_alone(same, DPI, ["pdf", "tsv", "txt"])
        tesseract_wall, tesseract_cpu = time.perf_counter() - wall, _cpu() - cpu
        best_wall, best_cpu = min(best_wall, pipeline_wall), min(best_cpu, pipeline_cpu)
        alone_wall = min(alone_wall, tesseract_wall)
        alone_cpu = min(alone_cpu, tesseract_cpu)
        rounds.append(
            [
                round(pipeline_cpu, 2),
                round(tesseract_cpu, 2),
                round(pipeline_cpu / tesseract_cpu, 3),
            ]
        )
    return {
        "pages": pages,
        "pipeline_wall_seconds": round(best_wall, 2),
        "pipeline_cpu_seconds": round(best_cpu, 2),
        "tesseract_alone_wall_seconds": round(alone_wall, 2),
        "tesseract_alone_cpu_seconds": round(alone_cpu, 2),
        "ratio_wall": round(best_wall / alone_wall, 3),
        "ratio_cpu": round(best_cpu / alone_cpu, 3),
        "rounds_cpu_seconds_pipeline_vs_tesseract": rounds,
    }


def lowres_ocr(rng: random.Random, pages: int, tmp: Path) -> dict:
    """150-dpi bitonal pages read four ways: Tesseract on the page as it is (150
    dpi); the pipeline at a 200-dpi batch reading at 200 (no OCR upscale) and at
    300 (OCR upscale, the default); the pipeline at a 300-dpi batch."""
    import subprocess

    from backoffice.scanning.pipeline import write
    from backoffice.scanning.pipeline.steps import TESSERACT

    scores: dict[str, list[float]] = {
        "native_150": [],
        "batch_200_ocr_200": [],
        "batch_200_ocr_300": [],
        "batch_300_ocr_300": [],
    }
    for number in range(pages):
        image, text = fax_page(rng, 150)
        path = tmp / f"fax-native-{number}.png"
        cv2.imwrite(str(path), image)
        done = subprocess.run(  # noqa: S603 — fixed argv
            [TESSERACT, str(path), "stdout", "-l", "vie", "--dpi", "150", "--psm", "3"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        scores["native_150"].append(character_accuracy(done.stdout, text))
        source = write_bitonal([image], tmp / f"fax-{number}.tif", 150)
        for name, dpi, ocr_min in (
            ("batch_200_ocr_200", 200, 200),
            ("batch_200_ocr_300", 200, 300),
            ("batch_300_ocr_300", 300, 300),
        ):
            saved, write.OCR_MIN_DPI = write.OCR_MIN_DPI, ocr_min
            try:
                result = scan_run(
                    sources=[source], workdir=tmp / f"lowres-{number}-{name}", dpi=dpi
                )
            finally:
                write.OCR_MIN_DPI = saved
            scores[name].append(character_accuracy(result.pages[0].ocr_text, text))
    return {"pages": pages} | {
        f"{name}_char_accuracy": round(float(np.mean(values)), 4)
        for name, values in scores.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--pages", type=int, default=4, help="content pages per kind")
    parser.add_argument("--ratio-pages", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--lowres-pages", type=int, default=3)
    parser.add_argument(
        "--kinds", default="clean_300,colour_300,phone_photo,fax_150,fax_200"
    )
    options = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="scan-fidelity-"))
    try:
        rng = random.Random(options.seed)
        report = {
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "dpi": DPI,
            "kinds": {},
        }
        for kind in options.kinds.split(","):
            made = make_kind(kind, rng, options.pages, tmp)
            report["kinds"][kind] = measure_kind(kind, made, tmp)
        report["lowres_ocr"] = lowres_ocr(rng, options.lowres_pages, tmp)
        report["ratio_text_pages"] = ratio(
            rng, options.ratio_pages, tmp, options.repeat
        )
        report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(report, ensure_ascii=False, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
