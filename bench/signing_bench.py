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
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# The environment variable that holds the token PIN (its name, not a secret).
PIN_VARIABLE = "SIGNING_PASSWORD_BENCH"


from _pdf import text_pdf  # noqa: E402 — after sys.path is set


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--releases", type=int, default=8)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="motcua-signing-bench-"))
    # SoftHSM reads SOFTHSM2_CONF once per process: the token comes first.
    from tests.fixtures.softhsm import softhsm_token_make

    token = softhsm_token_make(scratch / "softhsm")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.MEDIA_ROOT = scratch / "media"
    settings.SIGNING_KEYS_ROOT = scratch / "keys"
    settings.SIGNING_KEY_PASSWORDS = {PIN_VARIABLE: token.pin}
    call_command("migrate", verbosity=0)

    from backoffice.accounts.models import User
    from backoffice.core.constants import AgencyLevel, Role
    from backoffice.core.models import Agency
    from backoffice.core.services import membership_grant
    from backoffice.documents.services import PdfUpload
    from backoffice.outgoing.release import outgoing_release
    from backoffice.outgoing.services import (
        DraftInput,
        outgoing_approve,
        outgoing_draft_create,
        outgoing_submit,
    )
    from backoffice.signatures import pki
    from backoffice.signatures.official import document_sign
    from backoffice.signatures.services import (
        agency_signing_certificate_save,
        staff_signing_key_save,
        trusted_certificate_upsert,
    )
    from backoffice.signatures.verification import pdf_verify

    run = uuid.uuid4().hex[:6]
    agency = Agency.objects.create(
        code=f"000.{int(run, 16) % 100:02d}.{int(run[:2], 16) % 100:02d}.H99",
        name=f"Cơ quan đo {run}",
        level=AgencyLevel.DEPARTMENT,
    )

    def staff(role: str) -> User:
        user = User.objects.create_user(username=f"bench-{role}-{run}", password=run)
        membership_grant(actor=None, user=user, agency=agency, role=role)
        return user

    specialist, leader, clerk = (
        staff(Role.SPECIALIST),
        staff(Role.LEADER),
        staff(Role.CLERK),
    )
    root = pki.make_root(common_name=f"Bench Root {run}")
    trusted_certificate_upsert(
        actor=None, pem=pki.certificate_pem(root.certificate).decode()
    )
    trusted_certificate_upsert(actor=None, pem=token.root_pem.decode())

    def p12(name: str) -> bytes:
        keypair = pki.make_signing_certificate(issuer=root, common_name=name)
        return pki.pkcs12_bytes(signer=keypair, chain=[root.certificate], password="")

    def use_pkcs12() -> None:
        staff_signing_key_save(
            actor=None, user=leader, pkcs12_data=p12("Lãnh đạo đo"), position="GĐ"
        )
        agency_signing_certificate_save(
            actor=None, agency=agency, pkcs12_data=p12(agency.name)
        )

    def use_token() -> None:
        common = {"pkcs11_module": token.module, "token_label": token.label}
        staff_signing_key_save(
            actor=None,
            user=leader,
            kind="pkcs11",
            password_env=PIN_VARIABLE,
            token={**common, "key_label": "leader-key"},
        )
        agency_signing_certificate_save(
            actor=None,
            agency=agency,
            kind="pkcs11",
            password_env=PIN_VARIABLE,
            token={**common, "key_label": "agency-seal"},
        )

    main_pdf, annex_pdf = text_pdf(10, "Quyết định"), text_pdf(2, "Phụ lục")

    def signing(kind: str) -> dict[str, float | str]:
        from backoffice.signatures.models import StaffSigningKey

        key = StaffSigningKey.objects.get(user=leader)
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

    use_pkcs12()
    pkcs12_result = signing("pkcs12")
    use_token()
    token_result = signing("pkcs11-softhsm2")

    def approved() -> int:
        document = outgoing_draft_create(
            agency=agency,
            actor=specialist,
            data=DraftInput(
                document_type="quyet-dinh",
                subject="Văn bản đo đồng thời",
                issuer_symbol="BENCH",
                recipient_emails=["bench@example.vn"],
            ),
            main=PdfUpload("a.pdf", text_pdf(1, "Quyết định")),
        )
        outgoing_submit(document=document, actor=specialist)
        outgoing_approve(document=document, actor=leader)
        return document.pk

    use_pkcs12()  # the numbering bench measures the counter, not the token lock
    ids = [approved() for _ in range(args.releases)]

    def release(document_id: int) -> int:
        from backoffice.outgoing.models import OutgoingDocument

        try:
            document = OutgoingDocument.objects.get(pk=document_id)
            return outgoing_release(document=document, actor=clerk).number
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
