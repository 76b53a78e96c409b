"""How long the clerk's release request takes now that signing runs in the worker,
against signing in the request as before (prints one JSON object).

Run: DATABASE_URL=postgres://USER:PASS@HOST:5432/DBNAME .venv/bin/python \
     bench/release_request_bench.py [--pages 200] [--runs 3]

For each key kind (PKCS#12 files; the same kind of keys on a SoftHSM2 token made in
a temporary directory) and each run, one approved document whose main file has
`--pages` A4 pages of Vietnamese text and a 2-page attachment is released twice
over: a first document the old way (`outgoing_release`: number + sign + store in
the calling process), a second one the new way (`outgoing_release_request`: what
the web request now does), then the signing job the worker runs
(`sign_outgoing_document`). Reports the median milliseconds of each.

The database is migrated if needed; the bench adds its own agency, staff and
documents (a fresh agency code per run), so it can run on a scratch database.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["CELERY_BROKER_URL"] = "memory://"


from _pdf import text_pdf  # noqa: E402 — after sys.path is set
from _signing import bench_office, bench_start  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    token = bench_start("motcua-release-bench-", tasks_eager=False)
    from django.db import connection

    from backoffice.outgoing.constants import OutgoingStatus
    from backoffice.outgoing.release import outgoing_release, outgoing_release_request
    from backoffice.outgoing.tasks import sign_outgoing_document

    office = bench_office(
        token=token,
        code_suffix="H98",
        name="Cơ quan đo phát hành",
        username_prefix="rel",
        root_name="Release Bench Root",
    )
    clerk = office.clerk
    main_pdf, annex_pdf = text_pdf(args.pages, "Quyết định"), text_pdf(2, "Phụ lục")

    def approved():  # type: ignore[no-untyped-def]
        return office.approved(
            subject="Văn bản đo thời gian phát hành",
            main=main_pdf,
            attachments=[annex_pdf],
        )

    def ms(started: float) -> float:
        return (time.perf_counter() - started) * 1000

    def measure(kind: str) -> dict[str, object]:
        inline, request, job = [], [], []
        outgoing_release(document=approved(), actor=clerk)  # warm-up
        for _ in range(args.runs):
            document = approved()
            started = time.perf_counter()
            outgoing_release(document=document, actor=clerk)
            inline.append(ms(started))
            document = approved()
            started = time.perf_counter()
            outgoing_release_request(document=document, actor=clerk)
            request.append(ms(started))
            started = time.perf_counter()
            outcome = sign_outgoing_document.apply(args=[document.pk]).get()
            job.append(ms(started))
            document.refresh_from_db()
            if outcome != "released" or document.status != OutgoingStatus.RELEASED:
                raise SystemExit(f"signing job ended {outcome!r}: {document.status}")
        return {
            "key": kind,
            "main_pages": args.pages,
            "runs": args.runs,
            "request_ms_signing_inline_before": round(statistics.median(inline), 1),
            "request_ms_now": round(statistics.median(request), 1),
            "worker_job_ms": round(statistics.median(job), 1),
        }

    office.use_pkcs12()
    results = [measure("pkcs12")]
    office.use_token()
    results.append(measure("pkcs11-softhsm2"))
    print(
        json.dumps(
            {"database": connection.vendor, "release": results}, ensure_ascii=False
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
