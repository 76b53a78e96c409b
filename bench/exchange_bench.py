"""Benchmark: edXML packets and the exchange between two live installations
(prints one JSON object).

Run: .venv/bin/python bench/exchange_bench.py [--packets 50] [--rounds 3]
        [--template-db PATH]

1. Packets per second built + signed (XML-DSig, RSA-2048) + validated (schema,
   manifest hashes, signature, trust) for a 2-page PDF with one attachment, in
   this process.
2. End-to-end latency between two live installations on this machine (the
   gunicorn pair of tests/backoffice/exchange/live.py, eager Celery in each):
   A dispatches a released document → B stores it in its incoming desk →
   status 01 back at A (automatic); B's clerk registers it (the script does it
   as soon as the document is on B's desk) → status 03 back at A. Times are
   read from both databases' own timestamps. --template-db reuses a migrated
   SQLite file (otherwise one is migrated first, which takes minutes).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def two_page_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in (1, 2):
        page.drawString(72, 760, f"CONG VAN - trang {number}")
        for line in range(40):
            page.drawString(72, 730 - line * 16, "Noi dung van ban " * 5)
        page.showPage()
    page.save()
    return buffer.getvalue()


def packets_per_second(count: int) -> dict:
    import datetime as dt

    import django

    django.setup()
    from backoffice.exchange.edxml.build import packet_tree
    from backoffice.exchange.edxml.model import (
        Attachment,
        Header,
        Organ,
        Packet,
        Trace,
    )
    from backoffice.exchange.edxml.sign import packet_sign
    from backoffice.exchange.edxml.validate import packet_validate
    from tests.backoffice.exchange.live import make_keys

    key, certificate = make_keys("bench")
    main, annex = two_page_pdf(), two_page_pdf()[:20_000]
    times = []
    size = 0
    for number in range(count):
        started = time.perf_counter()
        packet = Packet(
            header=Header(
                sender=Organ(organ_id="000.00.00.H53", organ_name="UBND tỉnh"),
                recipients=(Organ(organ_id="000.00.00.H60"),),
                code_number=str(number + 1),
                code_notation="UBND-VP",
                promulgation_place="Sóc Trăng",
                promulgation_date=dt.date(2026, 11, 30),
                document_type=2,
                document_type_name="Công văn",
                subject="V/v đo tốc độ liên thông",
                page_amount=2,
            ),
            attachments=(
                Attachment(content_id="main", name="cv.pdf", content=main),
                Attachment(content_id="att1", name="pl.pdf", content=annex),
            ),
            traces=(Trace(organ_id="000.00.00.H53", timestamp=dt.datetime.now()),),
        )
        data = packet_sign(packet_tree(packet), key=key, certificate=certificate)
        report = packet_validate(data, trusted=[certificate], max_bytes=64 << 20)
        if not report.valid:
            raise SystemExit(f"invalid packet: {report.errors}")
        times.append(time.perf_counter() - started)
        size = len(data)
    return {
        "packets": count,
        "packet_bytes": size,
        "main_pdf_bytes": len(main),
        "packets_per_second": round(count / sum(times), 1),
        "ms_per_packet_median": round(statistics.median(times) * 1000, 1),
    }


def end_to_end(rounds: int, template: str | None) -> dict:
    from tests.backoffice.exchange.live import Databases, pair

    work = Path(tempfile.mkdtemp(prefix="exchange-bench-"))
    if template is None:
        template = str(work / "template.sqlite3")
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{template}",
            "VAR_DIR": str(work / "var"),
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip

    class Copies(Databases):
        def make(self, side: str) -> str:
            path = self.workdir / f"{side}.sqlite3"
            shutil.copy(template, path)
            return f"sqlite:///{path}"

        def drop(self) -> None:
            return None

    a, b = pair(work, Copies(None, work))
    a.start()
    b.start()
    results = []
    try:
        for number in range(rounds):
            sent = a.op(
                "send",
                **{"from": a.code, "to": b.code, "number": 500 + number,
                   "subject": "V/v đo độ trễ liên thông"},
            )  # fmt: skip
            document_id = sent["document_id"]
            desk = b.op("desk")
            incoming = next(
                d for d in desk["documents"] if d["source_ref"] == document_id
            )
            b.op("register", id=incoming["id"])
            created = a.query(
                "SELECT created_at FROM exchange_exchangepacket WHERE id = %s",
                (sent["packets"][0]["pk"],),
            )[0][0]
            statuses = dict(
                a.query(
                    "SELECT code, at FROM exchange_exchangestatus WHERE "
                    "direction = 'in' AND document_id = %s",
                    (document_id,),
                )
            )
            registered = b.query(
                "SELECT at FROM incoming_incomingevent WHERE document_id = %s "
                "AND kind = 'registered'",
                (incoming["id"],),
            )[0][0]
            results.append(
                {
                    "send_to_01_ms": _ms(created, statuses["01"]),
                    "registered_to_03_ms": _ms(registered, statuses["03"]),
                    "send_to_03_ms": _ms(created, statuses["03"]),
                }
            )
    finally:
        a.stop()
        b.stop()
        shutil.rmtree(work, ignore_errors=True)
    return {
        "rounds": rounds,
        "median": {
            key: round(statistics.median(r[key] for r in results), 1)
            for key in results[0]
        },
        "runs": results,
        "note": "send_to_03 includes the bench script starting a Django process "
        "to read B's desk and register (a clerk's action), not only transport",
    }


def _ms(start: str, end: str) -> float:
    import datetime as dt

    def parse(value: str) -> dt.datetime:
        return dt.datetime.fromisoformat(str(value).replace(" ", "T"))

    return (parse(end) - parse(start)).total_seconds() * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packets", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--template-db", default=None)
    args = parser.parse_args()
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "build_sign_validate": packets_per_second(args.packets),
        "end_to_end": end_to_end(args.rounds, args.template_db),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
