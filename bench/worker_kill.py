"""Benchmark: recovery from killed Celery workers (issue 19); prints one JSON object.

Run: .venv/bin/python bench/worker_kill.py [--kills 20] [--postgres URL]

With the product's DEFAULT lease settings (SCAN_LEASE_SECONDS, LEASE_REAP_INTERVAL,
OUTBOX_DRAIN_INTERVAL as in config/settings/base.py), on a database of its own
(dropped and re-created on the PostgreSQL server given, `scripts/services` makes
one) and a private redis-server on a free loopback port:
- one scan batch run without a kill: the batch's own processing time;
- `--kills` times: register a counter dossier, upload a scan of its cover sheet,
  two separators and text pages, start a worker (`celery worker -B`), SIGKILL its
  process group once the batch is half-way, start a fresh worker and time until the
  batch is done; then count each component's files: a missing one is a lost
  record, an extra one a duplicate.
Reports seconds from kill to completion (p50, max), the same minus the batch's own
time, lost and duplicated records, and whether the goals (under 120 s plus the
batch's own time; 0 lost, 0 duplicated) were met.
"""

import argparse
import io
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    sys.stderr.write(f"[worker_kill] {message}\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"waiting for {what} ({timeout:.0f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES", "postgres://motcua:motcua@127.0.0.1:5432"
        ),
    )
    parser.add_argument("--db-name", default="motcua_bench_kill")
    parser.add_argument("--text-pages", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="motcua-kill-"))
    redis_port = free_port()
    redis = subprocess.Popen(  # noqa: S603 — fixed arguments
        [shutil.which("redis-server") or "redis-server", "--port", str(redis_port),
         "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    import psycopg

    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db_name}"')
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": f"{args.postgres}/{args.db_name}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "VAR_DIR": str(workdir / "var"),
        "MEDIA_ROOT": str(workdir / "media"),
        "SCAN_DPI": "200",
        "SCAN_OCR": "true",
        "SCAN_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
    }
    for key in ("SCAN_LEASE_SECONDS", "LEASE_REAP_INTERVAL", "OUTBOX_DRAIN_INTERVAL",
                "LEASE_SECONDS", "CELERY_TASK_ALWAYS_EAGER"):  # fmt: skip
        env.pop(key, None)  # the defaults are what is measured
    os.environ.update(env)
    workers: list[subprocess.Popen] = []
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        result = run(args, env, workdir, workers)
        result["settings"] = {
            "SCAN_LEASE_SECONDS": settings.SCAN_LEASE_SECONDS,
            "LEASE_REAP_INTERVAL": settings.LEASE_REAP_INTERVAL,
            "OUTBOX_DRAIN_INTERVAL": settings.OUTBOX_DRAIN_INTERVAL,
            "SCAN_DPI": settings.SCAN_DPI,
            "SCAN_OCR": settings.SCAN_OCR,
        }
        result["machine"] = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": os.getloadavg(),
        }
        print(json.dumps(result, indent=2))
    finally:
        for process in workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        redis.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(args, env, workdir: Path, workers: list) -> dict:
    import numpy as np
    from pdf2image import convert_from_bytes

    from backoffice.accounts.models import User
    from backoffice.core.constants import Role
    from backoffice.core.models import Membership
    from backoffice.dossiers.models import DossierFile
    from backoffice.dossiers.services import Applicant
    from backoffice.intake.services import (
        ChecklistItem,
        counter_dossier_register,
        dossier_sheets_pdf,
        scan_batch_create,
    )
    from backoffice.procedures.constants import CopyForm
    from backoffice.procedures.models import Procedure
    from backoffice.scanning.constants import BatchStatus
    from backoffice.scanning.models import ScanBatch
    from tests.support import synthetic

    officer_membership = Membership.objects.filter(role=Role.RECEPTION).first()
    officer: User = officer_membership.user
    agency = officer_membership.agency
    procedure = next(
        p
        for p in Procedure.objects.filter(agencies=agency, is_active=True)
        if p.components.count() >= 2
    )
    rng = random.Random(7)
    dpi = 200

    def new_batch(index: int) -> tuple[int, int, int]:
        dossier = counter_dossier_register(
            actor=officer,
            agency=agency,
            procedure=procedure,
            applicant=Applicant(
                name=f"Nguyễn Văn Thử {index}", id_number="094095001234"
            ),
            checklist=[
                ChecklistItem(component_id=c.pk, copy_form=CopyForm.ORIGINAL)
                for c in procedure.components.all()
            ],
        )
        sheets = [
            np.asarray(p.convert("L"))
            for p in convert_from_bytes(
                dossier_sheets_pdf(dossier=dossier), dpi=dpi, grayscale=True
            )
        ]
        pages = [sheets[0]]
        half = max(1, args.text_pages // 2)
        for position in (1, 2):
            pages.append(sheets[position])
            for _ in range(half):
                pages.append(synthetic.text_page(rng, dpi)[0])
        scanned = [
            synthetic.scan(p, rng, synthetic.ScanStyle.clean(), dpi)[0] for p in pages
        ]
        path = synthetic.write_pages(scanned, workdir / f"scan-{index}.pdf", dpi)
        batch = scan_batch_create(
            actor=officer,
            agency=agency,
            dossier=dossier,
            name=path.name,
            content=path.read_bytes(),
        )
        return batch.pk, dossier.pk, len(pages)

    def start_worker() -> subprocess.Popen:
        index = len(workers)
        process = subprocess.Popen(  # noqa: S603 — fixed arguments
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-B",
             "--pool=prefork", "--concurrency=1", "--loglevel=WARNING",
             "-s", str(workdir / f"beat-{index}"), "-n", f"bench{index}@%h",
             "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=(workdir / f"worker-{index}.log").open("w"),
            start_new_session=True,
        )  # fmt: skip
        workers.append(process)
        return process

    def stop(process: subprocess.Popen, sig: int) -> None:
        if sig == signal.SIGKILL:  # the whole group, as the OOM killer or a redeploy
            os.killpg(process.pid, sig)
        else:  # a warm shutdown: the main process finishes its children's work
            process.send_signal(sig)
        process.wait(60)

    def done(batch_id: int) -> bool:
        return ScanBatch.objects.filter(pk=batch_id, status=BatchStatus.DONE).exists()

    def files_per_component(dossier_id: int) -> list[int]:
        counts = []
        for component in procedure.components.all()[:2]:
            counts.append(
                DossierFile.objects.filter(
                    dossier_id=dossier_id, component=component
                ).count()
            )
        return counts

    def running(batch_id: int) -> bool:
        return ScanBatch.objects.filter(
            pk=batch_id, status=BatchStatus.RUNNING, started_at__isnull=False
        ).exists()

    log("baseline: one batch without a kill")
    batch_id, dossier_id, pages = new_batch(0)
    worker = start_worker()
    started = time.monotonic()
    wait_for(lambda: done(batch_id), 600, "the baseline batch")
    baseline = time.monotonic() - started
    stop(worker, signal.SIGTERM)
    run_seconds = ScanBatch.objects.get(pk=batch_id)
    run_seconds = (run_seconds.finished_at - run_seconds.started_at).total_seconds()
    log(
        f"baseline batch of {pages} pages: {baseline:.1f} s with worker start, "
        f"{run_seconds:.1f} s of run"
    )

    recoveries, lost, duplicated, rows, finished_first = [], 0, 0, [], 0
    kill, index = 0, 0
    while kill < args.kills:
        index += 1
        batch_id, dossier_id, pages = new_batch(index)
        worker = start_worker()
        wait_for(lambda b=batch_id: running(b), 600, "the batch to start")
        # A random moment inside the run.
        time.sleep(rng.uniform(0.1, 0.8) * run_seconds)
        pages_done = ScanBatch.objects.get(pk=batch_id).pages_done
        stop(worker, signal.SIGKILL)
        killed_at = time.monotonic()
        if done(batch_id):
            finished_first += 1  # the batch beat the kill: not a kill mid-batch
            continue
        kill += 1
        worker = start_worker()
        wait_for(lambda b=batch_id: done(b), 900, "the batch after the kill")
        recovered = time.monotonic() - killed_at
        stop(worker, signal.SIGTERM)
        counts = files_per_component(dossier_id)
        lost += sum(1 for c in counts if c == 0)
        duplicated += sum(c - 1 for c in counts if c > 1)
        recoveries.append(recovered)
        rows.append(
            {
                "kill": kill,
                "pages_done_at_kill": pages_done,
                "seconds_to_done": round(recovered, 1),
                "files": counts,
            }
        )
        log(f"kill {kill}: killed at {pages_done}/{pages} pages, done "
            f"{recovered:.1f} s later, files per component {counts}")  # fmt: skip
    worst = max(recoveries) if recoveries else 0.0
    return {
        "kills": args.kills,
        "batches_finished_before_their_kill": finished_first,
        "baseline_run_seconds": round(run_seconds, 1),
        "pages_per_batch": pages,
        "baseline_batch_seconds": round(baseline, 1),
        "kill_to_done_seconds": {
            "p50": round(statistics.median(recoveries), 1) if recoveries else None,
            "max": round(worst, 1),
        },
        "kill_to_done_minus_batch_seconds_max": round(worst - baseline, 1),
        "lost_records": lost,
        "duplicated_records": duplicated,
        "goal_recovery_met": worst - baseline < 120,
        "goal_no_loss_met": lost == 0 and duplicated == 0,
        "runs": rows,
    }


if __name__ == "__main__":
    sys.exit(main())
