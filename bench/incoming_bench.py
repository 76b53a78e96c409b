"""Incoming documents: registration throughput with the signature check, and IMAP
intake of a full mailbox (prints one JSON object).

Run: .venv/bin/python bench/incoming_bench.py [--documents 200] [--messages 500]

On a throwaway database (the test settings' SQLite, or test_<name> on the
PostgreSQL that DATABASE_URL names) and a temporary media folder:

- registration: N distinct one-page PDFs signed by a key of a generated CA whose
  root is in the trust store; per document `incoming_receive` (file checks, Art.
  12 moment, stored original, audit) + `incoming_check` (pyHanko verdict, text
  layer) + `incoming_register` (gap-free number under the counter lock). Signing
  is done beforehand and not timed. Goal: >= 50 documents/s.
- IMAP intake: a real dovecot on loopback (as in the tests) holding M messages,
  each with one signed PDF; one `incoming_mailbox_poll` reads and stores them all
  (per message: fetch, parse, store mail + document, audit), then a second poll
  must store nothing, and a third after forgetting the UIDs must find only
  duplicates (Message-ID).

Tasks are published to an in-memory broker (no worker): the check that a worker
would run is called here in-process and timed.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["CELERY_BROKER_URL"] = "memory://"

from _scratch import machine_facts, throwaway_site


def _signed_pdfs(count: int) -> tuple[bytes, list[bytes]]:
    from backoffice.signatures import pki
    from backoffice.signatures.signing import load_signer, pdf_sign
    from tests.fixtures.signatures import make_pdf

    root = pki.make_root()
    keypair = pki.make_signing_certificate(issuer=root, common_name="Nguyễn Văn An")
    signer = load_signer(
        pkcs12_data=pki.pkcs12_bytes(
            signer=keypair,
            chain=[root.certificate],
            password="bench",  # noqa: S106
        ),
        password="bench",  # noqa: S106 — a throwaway key
    )
    documents = []
    for n in range(count):
        plain = make_pdf(
            [
                "ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
                f"Số: {n + 1:02d}/UBND-VP",
                "V/v tiếp nhận văn bản điện tử",
            ]
        )
        documents.append(pdf_sign(pdf_bytes=plain, signer=signer, reason="Ban hành"))
    return pki.certificate_pem(root.certificate), documents


def bench_registration(
    agency, documents: list[bytes], name_offset: int = 0, check: bool = True
) -> dict[str, float | int | bool]:
    from backoffice.incoming.models import IncomingDocument
    from backoffice.incoming.services import (
        incoming_check,
        incoming_receive,
        incoming_register,
    )
    from backoffice.incoming.types import ReceivedFile

    timings = {"receive": 0.0, "check": 0.0, "register": 0.0}
    verdicts: dict[str, int] = {}
    started = time.perf_counter()
    for n, content in enumerate(documents):
        t0 = time.perf_counter()
        document = incoming_receive(
            agency=agency,
            main=ReceivedFile(f"cv-{name_offset + n}.pdf", content),
            via="upload",
        )
        t1 = time.perf_counter()
        incoming_check(document_id=document.pk)
        t2 = time.perf_counter()
        document = IncomingDocument.objects.get(pk=document.pk)
        verdicts[document.verdict] = verdicts.get(document.verdict, 0) + 1
        incoming_register(document=document, actor=None)
        t3 = time.perf_counter()
        timings["receive"] += t1 - t0
        timings["check"] += t2 - t1
        timings["register"] += t3 - t2
    elapsed = time.perf_counter() - started
    numbers = sorted(
        IncomingDocument.objects.exclude(incoming_number=None).values_list(
            "incoming_number", flat=True
        )
    )
    count = len(documents)
    gap_free = numbers == list(range(1, count + 1)) if check else None
    return {
        "documents": count,
        "seconds": round(elapsed, 3),
        "documents_per_second": round(count / elapsed, 1),
        "ms_receive": round(1000 * timings["receive"] / count, 2),
        "ms_signature_check": round(1000 * timings["check"] / count, 2),
        "ms_register": round(1000 * timings["register"] / count, 2),
        "valid_verdicts": verdicts.get("valid", 0),
        "numbers_gap_free": gap_free,
        "goal_documents_per_second": 50,
    }


def _registration_worker(agency_id: int, documents: list[bytes], offset: int) -> dict:
    from django.db import connections

    from backoffice.core.models import Agency

    try:
        agency = Agency.objects.get(pk=agency_id)
        return bench_registration(agency, documents, name_offset=offset, check=False)
    finally:
        connections.close_all()


def bench_registration_parallel(
    agency, documents: list[bytes], processes: int
) -> dict[str, float | int | bool]:
    """The same pipeline in `processes` forked processes (as a worker with that
    concurrency checks documents side by side); needs PostgreSQL."""
    import multiprocessing

    from django.db import connection, connections

    from backoffice.incoming.models import IncomingDocument

    if connection.vendor != "postgresql":
        return {"skipped": "parallel registration needs PostgreSQL (DATABASE_URL)"}
    before = set(
        IncomingDocument.objects.filter(agency=agency)
        .exclude(incoming_number=None)
        .values_list("incoming_number", flat=True)
    )
    connections.close_all()
    chunks = [documents[i::processes] for i in range(processes)]
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(processes) as pool:
        results = pool.starmap(
            _registration_worker,
            [(agency.pk, chunk, 10_000 * (i + 1)) for i, chunk in enumerate(chunks)],
        )
    elapsed = time.perf_counter() - started
    numbers = sorted(
        set(
            IncomingDocument.objects.filter(agency=agency)
            .exclude(incoming_number=None)
            .values_list("incoming_number", flat=True)
        )
        - before
    )
    count = len(documents)
    first = len(before) + 1
    return {
        "processes": processes,
        "documents": count,
        "seconds": round(elapsed, 3),
        "documents_per_second": round(count / elapsed, 1),
        "valid_verdicts": sum(r["valid_verdicts"] for r in results),
        "numbers_gap_free": numbers == list(range(first, first + count)),
        "goal_documents_per_second": 50,
    }


def bench_imap(agency, documents: list[bytes], messages: int) -> dict[str, object]:
    from email.message import EmailMessage

    from backoffice.incoming.mailboxes import incoming_mailbox_poll, mailbox_save
    from backoffice.incoming.models import IncomingDocument, IncomingMailbox
    from tests.backoffice.incoming.servers import dovecot_server

    raws = []
    for n in range(messages):
        message = EmailMessage()
        message["From"] = f"vanthu{n % 7}@ubnd.example.vn"
        message["To"] = "vanthu@so-tttt.example.vn"
        message["Subject"] = f"Công văn số {n + 1:02d}/UBND-VP"
        message["Message-ID"] = f"<bench-{n}@ubnd.example.vn>"
        message.set_content("Kính gửi Sở Thông tin và Truyền thông.")
        message.add_attachment(
            documents[n % len(documents)],
            maintype="application",
            subtype="pdf",
            filename=f"cv-{n}.pdf",
        )
        raws.append(message.as_bytes())
    before = IncomingDocument.objects.count()
    with dovecot_server() as server:
        t0 = time.perf_counter()
        server.append_many(raws)
        load_seconds = time.perf_counter() - t0
        mailbox = mailbox_save(
            mailbox=IncomingMailbox(
                agency=agency,
                host=server.host,
                port=server.port,
                use_ssl=False,
                username=server.username,
            ),
            actor=None,
            password=server.password,
        )
        t0 = time.perf_counter()
        first = incoming_mailbox_poll(mailbox_id=mailbox.pk)
        first_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = incoming_mailbox_poll(mailbox_id=mailbox.pk)
        second_seconds = time.perf_counter() - t0
        IncomingMailbox.objects.filter(pk=mailbox.pk).update(last_uid=0)
        t0 = time.perf_counter()
        third = incoming_mailbox_poll(mailbox_id=mailbox.pk)
        third_seconds = time.perf_counter() - t0
    stored = IncomingDocument.objects.count() - before
    return {
        "messages": messages,
        "server": "dovecot-imapd (loopback)",
        "seconds_loading_mailbox": round(load_seconds, 2),
        "first_poll": first.as_dict() | {"seconds": round(first_seconds, 2)},
        "ms_per_message": round(1000 * first_seconds / max(first.fetched, 1), 2),
        "second_poll": second.as_dict() | {"seconds": round(second_seconds, 2)},
        "poll_after_forgetting_uids": third.as_dict()
        | {"seconds": round(third_seconds, 2)},
        "documents_stored": stored,
        "no_duplicates": stored == messages,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="also register in this many processes at once (PostgreSQL only)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from backoffice.core.models import Agency
    from backoffice.signatures.services import trusted_certificate_upsert

    def configure(media: Path) -> None:
        settings.TRUST_ROOT_FILES = []
        settings.SEARCH_BACKENDS = {
            "default": {
                "BACKEND": "search.backends.embedded.EmbeddedBackend",
                "OPTIONS": {"PATH": media / "search", "PREFIX": "bench-"},
            }
        }

    print("signing PDFs…", file=sys.stderr)
    root_pem, documents = _signed_pdfs(args.documents)
    with throwaway_site("incoming-bench-", configure=configure):
        trusted_certificate_upsert(actor=None, pem=root_pem.decode(), name="Bench root")
        agency = Agency.objects.create(code="000.00.11.H53", name="Sở TT&TT")
        print("registration…", file=sys.stderr)
        registration = bench_registration(agency, documents)
        parallel = {}
        if args.processes > 1:
            print("registration in parallel…", file=sys.stderr)
            parallel = bench_registration_parallel(agency, documents, args.processes)
        other = Agency.objects.create(code="000.00.04.H53", name="Sở Tư pháp")
        print("IMAP intake…", file=sys.stderr)
        imap = bench_imap(other, documents, args.messages)
    print(
        json.dumps(
            {
                **machine_facts(),
                "registration_with_signature_check": registration,
                "registration_in_parallel": parallel,
                "imap_intake": imap,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
