"""Report build time on a province-sized year (prints one JSON object).

Run: DATABASE_URL=postgres://motcua:motcua@127.0.0.1:5432/bench_reports_d \
     .venv/bin/python bench/report_bench.py [--dossiers 200000] [--documents 100000]
     [--regenerate]

PostgreSQL only (DATABASE_URL): the database it names is created if missing and
migrated, then filled once (kept for the next run unless --regenerate) with one
year (2025) across 15 agencies (a province and 14 departments/districts):
- dossiers over 60 procedures, every channel and status, received evenly over the
  year, due 3–15 days later, ~8 % finished late, ~4 % still open; a NEW status
  event each and a DONE event for those with a result; ratings for a third of the
  returned ones;
- incoming documents (60 %) over the four channels with verdicts, register
  numbers and acknowledgements, and released outgoing documents (40 %) with a
  signed file for most and 1–3 recipients over the four channels;
- scan batches of ten pages (sheets, blanks, placed pages).
Rows go in with bulk_create in batches. Then it times `report_build` for the annual
provincial report (goal < 10 s) and for one department's first half-year, each
the best of three runs after one warm-up.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["CELERY_BROKER_URL"] = "memory://"

YEAR = 2025
AGENCIES = 15
PROCEDURES = 60
BATCH = 5000


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def moment(rng: random.Random, tz) -> dt.datetime:
    start = dt.datetime(YEAR, 1, 1, 7, tzinfo=tz)
    return start + dt.timedelta(seconds=rng.randrange(0, 364 * 86400))


def generate(n_dossiers: int, n_documents: int, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from backoffice.core.constants import AgencyLevel
    from backoffice.core.models import Agency
    from backoffice.core.workcalendar import local_zone
    from backoffice.dossiers.constants import DossierStatus as S
    from backoffice.dossiers.models import Dossier, DossierRating, DossierStatusEvent
    from backoffice.incoming.models import IncomingDocument
    from backoffice.outgoing.models import (
        OutgoingDocument,
        OutgoingFile,
        OutgoingRecipient,
    )
    from backoffice.procedures.models import Field, Procedure
    from backoffice.scanning.models import ScanBatch, ScanPage

    tz = local_zone()
    with transaction.atomic():
        province = Agency.objects.create(
            code="000.00.00.H99", name="UBND tỉnh (bench)", level=AgencyLevel.PROVINCE
        )
        agencies = [province] + [
            Agency.objects.create(
                code=f"000.00.{n:02d}.H99",
                name=f"Sở/huyện {n} (bench)",
                level=AgencyLevel.DEPARTMENT,
                parent=province,
            )
            for n in range(1, AGENCIES)
        ]
        field = Field.objects.create(code="bench", name="Lĩnh vực bench")
        procedures = [
            Procedure.objects.create(
                code=f"9.{n:06d}", name=f"Thủ tục {n}", field=field, processing_days=5
            )
            for n in range(PROCEDURES)
        ]
        user = get_user_model().objects.create_user(username="bench-clerk")

    statuses = (
        [S.RESULT_RETURNED] * 78
        + [S.DONE] * 6
        + [S.PROCESSING] * 3
        + [S.ACCEPTED, S.NEW, S.SUPPLEMENT_REQUESTED, S.AWAITING_FEE]
        + [S.NOT_ACCEPTED] * 3
        + [S.WITHDRAWN] * 2
        + [S.STOPPED]
    )
    channels = ["online"] * 5 + ["counter"] * 4 + ["post"]
    done = 0
    while done < n_dossiers:
        size = min(BATCH, n_dossiers - done)
        dossiers = []
        for i in range(done, done + size):
            received = moment(rng, tz)
            due = received + dt.timedelta(days=rng.randint(3, 15))
            status = rng.choice(statuses)
            finished = None
            if status in (S.RESULT_RETURNED, S.NOT_ACCEPTED, S.WITHDRAWN, S.STOPPED):
                late = rng.random() < 0.08
                finished = due + dt.timedelta(
                    hours=rng.randint(1, 96) * (1 if late else -1)
                )
                finished = max(finished, received + dt.timedelta(hours=1))
            agency = agencies[i % AGENCIES]
            dossiers.append(
                Dossier(
                    code=f"B-{i:07d}",
                    procedure=procedures[(i * 7) % PROCEDURES],
                    agency=agency,
                    channel=rng.choice(channels),
                    status=status,
                    applicant_name="Nguyễn Văn An",
                    applicant_id_number="094095001234",
                    received_at=received,
                    due_at=due,
                    finished_at=finished,
                )
            )
        with transaction.atomic():
            Dossier.objects.bulk_create(dossiers)
            events, ratings = [], []
            for d in dossiers:
                events.append(
                    DossierStatusEvent(dossier=d, status=S.NEW, at=d.received_at)
                )
                if d.status in (S.DONE, S.RESULT_RETURNED):
                    ready = (d.finished_at or d.due_at) - dt.timedelta(hours=2)
                    events.append(
                        DossierStatusEvent(dossier=d, status=S.DONE, at=ready)
                    )
                if d.status == S.RESULT_RETURNED:
                    events.append(
                        DossierStatusEvent(
                            dossier=d, status=S.RESULT_RETURNED, at=d.finished_at
                        )
                    )
                    if rng.random() < 0.33:
                        ratings.append(
                            DossierRating(
                                dossier=d,
                                score=rng.choice([5, 5, 4, 4, 3, 2, 1]),
                                created_at=d.finished_at + dt.timedelta(hours=3),
                            )
                        )
            DossierStatusEvent.objects.bulk_create(events, batch_size=BATCH)
            DossierRating.objects.bulk_create(ratings, batch_size=BATCH)
        done += size
        print(f"dossiers {done}/{n_dossiers}", file=sys.stderr)

    vias = ["edxml"] * 5 + ["email"] * 2 + ["internal"] * 2 + ["upload"]
    verdicts = ["valid"] * 6 + ["untrusted", "invalid"] + ["unsigned"] * 2
    n_incoming = n_documents * 6 // 10
    for start in range(0, n_incoming, BATCH):
        docs = []
        for i in range(start, min(n_incoming, start + BATCH)):
            received = moment(rng, tz)
            refused = rng.random() < 0.03
            docs.append(
                IncomingDocument(
                    agency=agencies[i % AGENCIES],
                    via=rng.choice(vias),
                    verdict=rng.choice(verdicts),
                    status="refused" if refused else "done",
                    delivered_at=received,
                    received_at=received,
                    acknowledged_at=None
                    if refused
                    else received + dt.timedelta(minutes=rng.randint(5, 3000)),
                    incoming_number=None if refused else i + 1,
                    year=YEAR,
                    subject=f"Văn bản đến {i}",
                )
            )
        IncomingDocument.objects.bulk_create(docs)
    print("incoming done", file=sys.stderr)

    channels_out = ["edxml"] * 5 + ["internal"] * 3 + ["email"] + ["paper"]
    n_outgoing = n_documents - n_incoming
    for start in range(0, n_outgoing, BATCH):
        docs = []
        for i in range(start, min(n_outgoing, start + BATCH)):
            docs.append(
                OutgoingDocument(
                    agency=agencies[i % AGENCIES],
                    status="released",
                    document_type="thong-bao",
                    subject=f"Văn bản đi {i}",
                    issuer_symbol="UBND",
                    created_by=user,
                    number=i + 1,
                    year=YEAR,
                    released_at=moment(rng, tz),
                )
            )
        with transaction.atomic():
            OutgoingDocument.objects.bulk_create(docs)
            files, recipients = [], []
            for doc in docs:
                if rng.random() < 0.85:
                    files.append(
                        OutgoingFile(
                            document=doc,
                            role="main",
                            kind="signed",
                            version=1,
                            file=f"outgoing/bench/{doc.pk}.pdf",
                            original_name="vb.pdf",
                            size=1000,
                            sha256="0" * 64,
                        )
                    )
                for _ in range(rng.randint(1, 3)):
                    channel = rng.choice(channels_out)
                    acked = channel != "paper" and rng.random() < 0.9
                    recipients.append(
                        OutgoingRecipient(
                            document=doc,
                            channel=channel,
                            email="noi-nhan@example.vn",
                            status="acknowledged" if acked else "sent",
                            sent_at=doc.released_at,
                            acknowledged_at=doc.released_at
                            + dt.timedelta(minutes=rng.randint(1, 2000))
                            if acked
                            else None,
                        )
                    )
            OutgoingFile.objects.bulk_create(files, batch_size=BATCH)
            OutgoingRecipient.objects.bulk_create(recipients, batch_size=BATCH)
    print("outgoing done", file=sys.stderr)

    n_batches = n_dossiers // 40
    sample = list(Dossier.objects.values_list("id", flat=True)[:n_batches])
    for start in range(0, n_batches, 500):
        batches = [
            ScanBatch(
                agency=agencies[i % AGENCIES],
                source="upload",
                original=f"scans/bench/{i}.pdf",
                original_name="scan.pdf",
                media_type="application/pdf",
                size=1000,
                sha256="1" * 64,
                status="done",
                created_at=moment(rng, tz),
            )
            for i in range(start, min(n_batches, start + 500))
        ]
        with transaction.atomic():
            ScanBatch.objects.bulk_create(batches)
            pages = []
            for b, dossier_id in zip(
                batches, sample[start : start + 500], strict=False
            ):
                for index in range(10):
                    kind = (
                        "sheet"
                        if index in (0, 4)
                        else rng.choice(["page"] * 9 + ["blank"])
                    )
                    pages.append(
                        ScanPage(
                            batch=b,
                            index=index,
                            is_sheet=kind == "sheet",
                            is_blank=kind == "blank",
                            dossier_id=None if kind == "blank" else dossier_id,
                        )
                    )
            ScanPage.objects.bulk_create(pages, batch_size=BATCH)
    print("scans done", file=sys.stderr)


def timed(build, runs: int = 3) -> tuple[float, dict]:
    build()  # warm-up: connection, caches, plans
    best, report = float("inf"), {}
    for _ in range(runs):
        started = time.perf_counter()
        report = build()
        best = min(best, time.perf_counter() - started)
    return round(best, 3), report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(json.dumps({"error": "DATABASE_URL must name a PostgreSQL database"}))
        sys.exit(2)
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from backoffice.core.models import Agency
    from backoffice.dossiers.models import Dossier
    from backoffice.reports.builder import Scope, report_build
    from backoffice.reports.periods import Period

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    generated = False
    if args.regenerate or not Agency.objects.filter(code="000.00.00.H99").exists():
        if args.regenerate:
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            call_command("migrate", verbosity=0)
        generate(args.dossiers, args.documents, random.Random(args.seed))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        generated = True
    generate_seconds = round(time.perf_counter() - started, 1)

    province = Scope(None)
    department = Scope(Agency.objects.get(code="000.00.01.H99"))
    now = dt.datetime(YEAR + 1, 1, 15, tzinfo=dt.UTC)
    annual, report = timed(
        lambda: report_build(period=Period(YEAR, None), scope=province, now=now)
    )
    half, agency_report = timed(
        lambda: report_build(period=Period(YEAR, 1), scope=department, now=now)
    )
    print(
        json.dumps(
            {
                "database": "postgresql",
                "generated": generated,
                "generate_seconds": generate_seconds,
                "agencies": Agency.objects.filter(code__endswith=".H99").count(),
                "dossiers": Dossier.objects.count(),
                "documents": report["incoming"]["total"] + report["outgoing"]["total"],
                "annual_province_seconds": annual,
                "annual_province_goal_seconds": 10,
                "annual_province_met": annual < 10,
                "half_year_agency_seconds": half,
                "annual_figures": {
                    "dossiers": report["dossiers"]["total"],
                    "on_time_rate": report["dossiers"]["on_time_rate"],
                    "online_share": report["dossiers"]["online_share"],
                    "incoming": report["incoming"]["total"],
                    "incoming_ack_hours_median": report["incoming"]["ack_hours_median"],
                    "outgoing": report["outgoing"]["total"],
                    "outgoing_signed_share": report["outgoing"]["signed_share"],
                    "pages_digitised": report["scans"]["pages_digitised"],
                },
                "half_year_agency_dossiers": agency_report["dossiers"]["total"],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
