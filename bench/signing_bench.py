"""Signing throughput (PKCS#12 file vs PKCS#11 token) and release numbering under
concurrency (prints one JSON object).

Run: DATABASE_URL=postgres://USER:PASS@HOST:5432/DBNAME .venv/bin/python \
     bench/signing_bench.py [--documents 10] [--releases 8]

- Signing: an outgoing document of 10 A4 pages with one 2-page attachment, signed
  as at release (leader + agency on the main file with their images, the
  imageless agency signature on the attachment: three signatures), with keys in
  PKCS#12 files and then with the same kind of keys on a SoftHSM2 token
  initialised in a temporary directory. Reports documents/s and ms/signature.
- Numbering: `--releases` approved documents of one agency released at once
  from as many threads (one database connection each) on PostgreSQL; reports
  whether the numbers are distinct and gap-free, and the wall time.

The database is migrated if needed; the bench adds its own agency, staff and
documents (a fresh agency code per run), so it can run on a scratch database.
"""

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


from _pdf import text_pdf  # noqa: E402 — after sys.path is set
from _signing import bench_office, bench_start  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--releases", type=int, default=8)
    args = parser.parse_args()
    token = bench_start("motcua-signing-bench-")
    from django.db import connection

    from backoffice.outgoing.release import outgoing_release
    from backoffice.signatures.official import document_sign
    from backoffice.signatures.verification import pdf_verify

    office = bench_office(
        token=token,
        code_suffix="H99",
        name="Cơ quan đo",
        username_prefix="bench",
        root_name="Bench Root",
    )
    agency = office.agency
    main_pdf, annex_pdf = text_pdf(10, "Quyết định"), text_pdf(2, "Phụ lục")

    def signing(kind: str) -> dict[str, float | str]:
        from backoffice.signatures.models import StaffSigningKey

        key = StaffSigningKey.objects.get(user=office.leader)
        document_sign(  # warm-up: fonts, images, token login
            main=main_pdf,
            attachments=[annex_pdf],
            leader_key=key,
            agency=agency,
            number_symbol="01/QĐ-BENCH",
        )
        started = time.perf_counter()
        for number in range(args.documents):
            signed = document_sign(
                main=main_pdf,
                attachments=[annex_pdf],
                leader_key=key,
                agency=agency,
                number_symbol=f"{number + 1:02d}/QĐ-BENCH",
            )
        elapsed = time.perf_counter() - started
        verdicts = {
            pdf_verify(pdf_bytes=signed.main).verdict,
            pdf_verify(pdf_bytes=signed.attachments[0]).verdict,
        }
        return {
            "key": kind,
            "documents": args.documents,
            "signatures_per_document": 3,
            "seconds": round(elapsed, 3),
            "documents_per_second": round(args.documents / elapsed, 2),
            "ms_per_signature": round(elapsed * 1000 / (3 * args.documents), 1),
            "verdicts": ",".join(sorted(verdicts)),
        }

    office.use_pkcs12()
    pkcs12_result = signing("pkcs12")
    office.use_token()
    token_result = signing("pkcs11-softhsm2")

    def approved() -> int:
        return office.approved(
            subject="Văn bản đo đồng thời",
            main=text_pdf(1, "Quyết định"),
            main_name="a.pdf",
        ).pk

    office.use_pkcs12()  # the numbering bench measures the counter, not the token lock
    ids = [approved() for _ in range(args.releases)]

    def release(document_id: int) -> int:
        from backoffice.outgoing.models import OutgoingDocument

        try:
            document = OutgoingDocument.objects.get(pk=document_id)
            return outgoing_release(document=document, actor=office.clerk).number
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.releases) as pool:
        numbers = sorted(pool.map(release, ids))
    elapsed = time.perf_counter() - started
    result = {
        "database": connection.vendor,
        "signing": [pkcs12_result, token_result],
        "numbering": {
            "concurrent_releases": args.releases,
            "numbers": numbers,
            "distinct": len(set(numbers)) == len(numbers),
            "gap_free": numbers == list(range(numbers[0], numbers[0] + len(numbers))),
            "seconds": round(elapsed, 3),
        },
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
