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
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["CELERY_BROKER_URL"] = "memory://"
PIN_VARIABLE = "SIGNING_PASSWORD_BENCH"


from _pdf import text_pdf  # noqa: E402 — after sys.path is set


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="motcua-release-bench-"))
    # SoftHSM reads SOFTHSM2_CONF once per process: the token comes first.
    from tests.fixtures.softhsm import softhsm_token_make

    token = softhsm_token_make(scratch / "softhsm")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from config.celery import app

    settings.MEDIA_ROOT = scratch / "media"
    settings.SIGNING_KEYS_ROOT = scratch / "keys"
    settings.SIGNING_KEY_PASSWORDS = {PIN_VARIABLE: token.pin}
    app.conf.task_always_eager = False
    call_command("migrate", verbosity=0)

    from backoffice.accounts.models import User
    from backoffice.core.constants import AgencyLevel, Role
    from backoffice.core.models import Agency
    from backoffice.core.services import membership_grant
    from backoffice.documents.services import PdfUpload
    from backoffice.outgoing.constants import OutgoingStatus
    from backoffice.outgoing.release import outgoing_release, outgoing_release_request
    from backoffice.outgoing.services import (
        DraftInput,
        outgoing_approve,
        outgoing_draft_create,
        outgoing_submit,
    )
    from backoffice.outgoing.tasks import sign_outgoing_document
    from backoffice.signatures import pki
    from backoffice.signatures.services import (
        agency_signing_certificate_save,
        staff_signing_key_save,
        trusted_certificate_upsert,
    )

    run = uuid.uuid4().hex[:6]
    agency = Agency.objects.create(
        code=f"000.{int(run, 16) % 100:02d}.{int(run[:2], 16) % 100:02d}.H98",
        name=f"Cơ quan đo phát hành {run}",
        level=AgencyLevel.DEPARTMENT,
    )

    def staff(role: str) -> User:
        user = User.objects.create_user(username=f"rel-{role}-{run}", password=run)
        membership_grant(actor=None, user=user, agency=agency, role=role)
        return user

    specialist, leader, clerk = (
        staff(Role.SPECIALIST),
        staff(Role.LEADER),
        staff(Role.CLERK),
    )
    root = pki.make_root(common_name=f"Release Bench Root {run}")
    trusted_certificate_upsert(
        actor=None, pem=pki.certificate_pem(root.certificate).decode()
    )

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

    main_pdf, annex_pdf = text_pdf(args.pages, "Quyết định"), text_pdf(2, "Phụ lục")

    def approved():  # type: ignore[no-untyped-def]
        document = outgoing_draft_create(
            agency=agency,
            actor=specialist,
            data=DraftInput(
                document_type="quyet-dinh",
                subject="Văn bản đo thời gian phát hành",
                issuer_symbol="BENCH",
                recipient_emails=["bench@example.vn"],
            ),
            main=PdfUpload("du-thao.pdf", main_pdf),
            attachments=[PdfUpload("phu-luc.pdf", annex_pdf)],
        )
        outgoing_submit(document=document, actor=specialist)
        return outgoing_approve(document=document, actor=leader)

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

    use_pkcs12()
    results = [measure("pkcs12")]
    trusted_certificate_upsert(actor=None, pem=token.root_pem.decode())
    use_token()
    results.append(measure("pkcs11-softhsm2"))
    print(
        json.dumps(
            {"database": connection.vendor, "release": results}, ensure_ascii=False
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
