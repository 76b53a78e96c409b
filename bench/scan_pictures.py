"""The README's before/after pictures of the scan pipeline, from generated pages.

Run: .venv/bin/python bench/scan_pictures.py [--out docs/screenshots] [--seed 17]

Writes (and prints as JSON, with their sizes):
- scan-phone-photo.png: a 12 MP phone photo of a sealed page on a desk (left)
  and the page the pipeline made of it, rendered from its PDF (right);
- scan-seal.png: the seal and signature of a colour scan as the pipeline kept
  them before (grey JPEG, left) and now (colour, right), rendered from the PDFs.
"""

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np
from pdf2image import convert_from_path

from backoffice.scanning.pipeline import scan_run
from tests.support.synthetic import (
    colour_page,
    phone_photo,
    scan_colour,
    write_colour_pdf,
)

DPI = 300
HEIGHT = 900  # pixels of each half of a picture


def _label(image: np.ndarray, text: str) -> np.ndarray:
    out = image.copy()
    cv2.rectangle(out, (0, 0), (out.shape[1], 44), (255, 255, 255), -1)
    cv2.putText(out, text, (12, 32), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (40, 40, 40), 2)
    return out


def _fit(image: np.ndarray, height: int = HEIGHT) -> np.ndarray:
    scale = height / image.shape[0]
    size = (round(image.shape[1] * scale), height)
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _pair(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    gap = np.full((HEIGHT, 16, 3), 255, np.uint8)
    return np.hstack([_fit(left), gap, _fit(right)])


def _rendered(pdf: Path) -> np.ndarray:
    page = convert_from_path(pdf, dpi=100, first_page=1, last_page=1)[0]
    return np.asarray(page.convert("RGB"))[:, :, ::-1]


def phone_picture(rng: random.Random, tmp: Path, out: Path) -> Path:
    page = colour_page(rng, DPI)
    photo = phone_photo(page.image, rng, megapixels=12, keystone=22, orientation=6)
    source = tmp / "anh-chup.jpg"
    source.write_bytes(photo.jpeg)
    result = scan_run(sources=[source], workdir=tmp / "photo", dpi=DPI, ocr=False)
    shown = cv2.imdecode(np.frombuffer(photo.jpeg, np.uint8), cv2.IMREAD_COLOR)
    flat = _rendered(result.pages[0].pdf_path)
    picture = _pair(
        _label(_fit(shown), "Anh chup (12 MP)"),
        _label(_fit(flat), "Trang da lam phang (PDF)"),
    )
    path = out / "scan-phone-photo.png"
    cv2.imwrite(str(path), picture, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return path


def seal_picture(rng: random.Random, tmp: Path, out: Path) -> Path:
    page = colour_page(rng, DPI)
    scanned = scan_colour(page.image, rng)
    source = write_colour_pdf([scanned], tmp / "mau.pdf", DPI)
    result = scan_run(sources=[source], workdir=tmp / "seal", dpi=DPI, ocr=False)
    after = convert_from_path(result.pages[0].pdf_path, dpi=DPI)[0]
    after = np.asarray(after.convert("RGB"))[:, :, ::-1]
    # Before: what the pipeline kept until now, a grey JPEG of the page.
    gray = cv2.cvtColor(scanned, cv2.COLOR_BGR2GRAY)
    ok, data = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 80])
    before = cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_GRAYSCALE), cv2.COLOR_GRAY2BGR)
    x, y, w, h = page.seal_box
    x0, y0 = max(0, x - w), max(0, y - h // 3)
    x1, y1 = (
        min(scanned.shape[1], x + w + w // 5),
        min(scanned.shape[0], y + h + h // 3),
    )
    picture = _pair(
        _label(_fit(before[y0:y1, x0:x1]), "Truoc: xam"),
        _label(_fit(after[y0:y1, x0:x1]), "Sau: giu mau dau, chu ky"),
    )
    path = out / "scan-seal.png"
    cv2.imwrite(str(path), picture, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--seed", type=int, default=17)
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="scan-pictures-"))
    try:
        rng = random.Random(options.seed)
        paths = [phone_picture(rng, tmp, out), seal_picture(rng, tmp, out)]
        print(
            json.dumps(
                {
                    "pictures": [
                        {"path": str(p), "bytes": p.stat().st_size} for p in paths
                    ]
                }
            )
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
