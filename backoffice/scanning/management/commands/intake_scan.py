"""`manage.py intake_scan FILE... [--json]` — run the scan pipeline synchronously.

Reports the dossiers, components and page counts found by the QR sheets, the pages
left out as blank, the pages left unmatched, and per page the rotation and skew
applied. Needs no database: the codes come from the sheets. Progress goes to
stderr, the report to stdout.

Exit status: 0 done, 2 bad input (message on stderr).
"""

import json
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from backoffice.scanning.pipeline import ScanInputError, ScanResult, scan_run


class Command(BaseCommand):
    help = "Xử lý lô quét: tách hồ sơ/thành phần theo tờ QR, xoay, chỉnh nghiêng, OCR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="PDF, TIFF, JPEG, PNG"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--dpi", type=int, default=300, help="render resolution (200–600)"
        )
        parser.add_argument("--no-ocr", action="store_true", help="skip Tesseract")
        parser.add_argument("--workers", type=int, default=2, help="pages in parallel")
        parser.add_argument(
            "--workdir",
            help="keep the derived files (pages, component PDFs) in this folder",
        )

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(name) for name in options["files"]]
        for path in paths:
            if not path.is_file():
                self._fail(f"Không tìm thấy tệp “{path}”.")
        if not 200 <= options["dpi"] <= 600:
            self._fail("--dpi phải trong khoảng 200–600.")
        verbose = options["verbosity"] >= 1

        def progress(done: int, total: int) -> None:
            if verbose:
                self.stderr.write(f"\r{done}/{total} trang", ending="")
                if done == total:
                    self.stderr.write("")

        with tempfile.TemporaryDirectory(prefix="intake-scan-") as tmp:
            workdir = Path(options["workdir"]) if options["workdir"] else Path(tmp)
            try:
                result = scan_run(
                    sources=paths,
                    workdir=workdir,
                    dpi=options["dpi"],
                    ocr=not options["no_ocr"],
                    workers=max(1, options["workers"]),
                    progress=progress,
                )
            except ScanInputError as exc:
                if verbose:
                    self.stderr.write("")
                self._fail(str(exc))
        if options["json"]:
            self.stdout.write(json.dumps(result.as_contract_dict(), ensure_ascii=False))
        else:
            self.stdout.write(summary(result))


def summary(result: ScanResult) -> str:
    lines = []
    total = len(result.pages)
    lines.append(f"{total} trang, {len(result.dossiers)} hồ sơ.")
    for dossier in result.dossiers:
        lines.append(f"Hồ sơ {dossier.code} (thủ tục {dossier.procedure_code}):")
        if not dossier.components:
            lines.append("  (không có thành phần nào)")
        for component in dossier.components:
            pages = ", ".join(str(i) for i in component.pages)
            confidence = (
                f", độ tin cậy OCR {component.mean_confidence:.0f}"
                if component.mean_confidence is not None
                else ""
            )
            lines.append(
                f"  {component.position}. {component.name}: "
                f"{len(component.pages)} trang [{pages}]{confidence}"
            )
    blank = ", ".join(str(i) for i in result.blank_pages) or "—"
    unmatched = ", ".join(str(i) for i in result.unmatched_pages) or "—"
    lines.append(f"Trang trắng đã bỏ: {len(result.blank_pages)} [{blank}]")
    lines.append(f"Trang chưa khớp: {len(result.unmatched_pages)} [{unmatched}]")
    lines.append("Trang: xoay (độ, chiều kim đồng hồ) / chỉnh nghiêng (độ)")
    for page in result.pages:
        what = "trắng" if page.blank else (page.sheet.kind if page.sheet else "")
        lines.append(
            f"  {page.index}: {page.rotation} / {page.skew:+.2f} {what}".rstrip()
        )
    return "\n".join(lines)
