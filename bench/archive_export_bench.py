"""Archive packages: export throughput (MB/s) of a 500-document e-file with and
without the PDF/A-2b copies, and the time archive_verify takes (one JSON object).

Run: .venv/bin/python bench/archive_export_bench.py [--documents 500]

On a throwaway database (the test settings' SQLite, or test_<name> on the
PostgreSQL that DATABASE_URL names) and a temporary media folder: N generated
PDFs of 2–3 A4 pages of Vietnamese text (DejaVu embedded, a drawn seal) are filed
into one e-file as free documents (stored originals with SHA-256), the file is
closed, then exported twice and the package verified. Throughput counts the bytes
of the originals read per second of export wall time.
"""

import argparse
import io
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["CELERY_BROKER_URL"] = "memory://"

from _scratch import machine_facts, throwaway_site

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WORDS = [
    "ủy",
    "ban",
    "nhân",
    "dân",
    "tỉnh",
    "sóc",
    "trăng",
    "về",
    "việc",
    "triển",
    "khai",
    "kế",
    "hoạch",
    "chuyển",
    "đổi",
    "số",
    "năm",
    "hai",
    "nghìn",
    "không",
    "trăm",
    "hai",
    "mươi",
    "sáu",
    "các",
    "sở",
    "ban",
    "ngành",
    "đoàn",
    "thể",
    "tỉnh",
    "thực",
    "hiện",
    "báo",
    "cáo",
    "kết",
    "quả",
    "tiếp",
    "nhận",
    "hồ",
    "sơ",
    "trực",
    "tuyến",
    "toàn",
    "trình",
    "đúng",
    "hạn",
]


def document_pdf(n: int, pages: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    rng = random.Random(n)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in range(pages):
        page.setFont("DejaVuSans", 13)
        page.drawCentredString(
            298, 790, f"BIÊN BẢN SỐ {n + 1}/BB-VP — TRANG {number + 1}"
        )
        page.setFont("DejaVuSans", 10.5)
        for line in range(48):
            text = " ".join(rng.choice(WORDS) for _ in range(14))
            page.drawString(60, 760 - 14.5 * line, text.capitalize())
        page.setStrokeColorRGB(0.8, 0.1, 0.1)
        page.circle(440, 80, 40)
        page.showPage()
    page.save()
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from backoffice.accounts.models import User
    from backoffice.core.models import Agency
    from backoffice.records.archive import archive_export
    from backoffice.records.services import (
        catalogue_entry_create,
        efile_close,
        efile_open,
        efile_upload,
        retention_period_ensure,
    )
    from backoffice.records.verify import archive_verify

    with throwaway_site("archive-bench-") as media:
        agency = Agency.objects.create(code="000.00.31.H53", name="UBND TP Sóc Trăng")
        clerk = User.objects.create_user(username="vanthu", password="x")  # noqa: S106
        period = retention_period_ensure(
            actor=None, agency=agency, name="10 năm", years=10
        )
        from django.utils import timezone

        entry = catalogue_entry_create(
            actor=None,
            agency=agency,
            year=timezone.localdate().year,
            code="01.VP",
            title="Hồ sơ hội nghị",
            retention=period,
        )
        efile = efile_open(actor=None, entry=entry, responsible=clerk)
        print("filing documents…", file=sys.stderr)
        started = time.perf_counter()
        sizes = []
        for n in range(args.documents):
            content = document_pdf(n, 2 + n % 2)
            sizes.append(len(content))
            efile_upload(
                actor=None,
                efile=efile,
                kind="minutes",
                title=f"Biên bản số {n + 1}",
                name=f"bien-ban-{n + 1:04d}.pdf",
                content=content,
            )
        filing_seconds = time.perf_counter() - started
        efile = efile_close(actor=None, efile=efile)
        originals_mb = sum(sizes) / 1e6
        out = media / "out"
        out.mkdir()
        results = {}
        for label, convert in (("without_pdfa", False), ("with_pdfa", True)):
            print(f"export {label}…", file=sys.stderr)
            target = out / f"{label}.zip"
            started = time.perf_counter()
            result = archive_export(efile=efile, out=target, convert_pdfa=convert)
            seconds = time.perf_counter() - started
            results[label] = {
                "seconds": round(seconds, 2),
                "originals_mb_per_s": round(originals_mb / seconds, 2),
                "zip_mb": round(target.stat().st_size / 1e6, 2),
                "entries": result.entries,
                "pdfa_converted": result.pdfa_converted,
                "pdfa_failed": len(result.pdfa_failed),
                "documents_per_s": round(args.documents / seconds, 1),
            }
            print(f"verify {label}…", file=sys.stderr)
            started = time.perf_counter()
            report = archive_verify(target)
            results[label]["verify_seconds"] = round(time.perf_counter() - started, 3)
            results[label]["verify_valid"] = report["valid"]
            results[label]["verify_mb_per_s"] = round(
                target.stat().st_size
                / 1e6
                / max(results[label]["verify_seconds"], 1e-6),
                1,
            )
    print(
        json.dumps(
            {
                **machine_facts(),
                "documents": args.documents,
                "pages": sum(2 + n % 2 for n in range(args.documents)),
                "originals_mb": round(originals_mb, 2),
                "mean_document_kb": round(sum(sizes) / len(sizes) / 1024, 1),
                "filing_seconds": round(filing_seconds, 2),
                "export": results,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
