"""Fault drill 4 (issue 19): PostgreSQL stops for a few seconds under lookups.

A private PostgreSQL cluster (initdb in a temporary folder, a free port) serves a
gunicorn of the product; the drill stops the cluster while clients look dossiers
up, then starts it again. Every answer must be 200 or a clean 503 (never 500, no
traceback in the server's log) and lookups must come back by themselves.
"""

import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from .conftest import ROOT, free_port, report, wait_for

pytestmark = [pytest.mark.drill, pytest.mark.slow]


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.skip("PostgreSQL server binaries are not installed (scripts/services)")
    return found[-1]


class PrivatePostgres:
    """initdb + pg_ctl in a temporary folder; run as `postgres` when we are root."""

    def __init__(self, workdir: Path) -> None:
        self.data = workdir / "pgdata"
        self.port = free_port()
        self.log = workdir / "postgres.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(workdir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        subprocess.run(  # noqa: S603 — fixed arguments
            [*self.as_user, _pg_bin("initdb"), "-D", str(self.data), "-A", "trust",
             "-U", "motcua", "-E", "UTF8", "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.url = f"postgres://motcua@127.0.0.1:{self.port}/drill"

    def _ctl(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 — fixed arguments
            [*self.as_user, _pg_bin("pg_ctl"), "-D", str(self.data), "-w", *args],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -F"
        self._ctl("-o", options, "-l", str(self.log), "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")


@pytest.fixture
def postgres():
    # Not under pytest's tmp folder: that is private to root, and the server runs
    # as `postgres` when we are root.
    workdir = Path(tempfile.mkdtemp(prefix="motcua-drill-pg-"))
    server = PrivatePostgres(workdir)
    server.start()
    subprocess.run(  # noqa: S603 — fixed arguments
        [*server.as_user, _pg_bin("createdb"), "-h", "127.0.0.1", "-p",
         str(server.port), "-U", "motcua", "drill"],
        check=True, capture_output=True,
    )  # fmt: skip
    yield server
    with contextlib.suppress(subprocess.CalledProcessError):
        server.stop()
    shutil.rmtree(workdir, ignore_errors=True)


def test_lookups_answer_503_while_postgres_is_down_and_recover(
    postgres, tmp_path
) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        # As in production: persistent connections, checked before reuse.
        "DATABASE_URL": f"{postgres.url}?conn_max_age=60&conn_health_checks=true",
        "VAR_DIR": str(tmp_path / "var"),
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
        "DOSSIER_LOOKUP_RATE": "100000/m",
        "DEMO_MODE": "true",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,  # noqa: S603
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    demo = subprocess.run([*manage, "load_demo", "--json"], cwd=ROOT, env=env,  # noqa: S603
                          check=True, capture_output=True, text=True, timeout=300)  # fmt: skip
    dossier = json.loads(demo.stdout)["dossiers"][0]
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 — fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
         "--error-logfile", "-"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = (
        f"http://127.0.0.1:{port}/api/v1/dossiers/{dossier['code']}/status"
        f"?secret={dossier['secret']}"
    )
    statuses: list[tuple[float, int]] = []
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    code = response.status
            except urllib.error.HTTPError as exc:
                code = exc.code
            except OSError:
                code = 0  # no answer at all
            statuses.append((time.monotonic(), code))
            time.sleep(0.02)

    try:
        wait_for(lambda: _answers(url), 60, "gunicorn")
        clients = [threading.Thread(target=client, daemon=True) for _ in range(4)]
        for thread in clients:
            thread.start()
        time.sleep(2)
        postgres.stop()
        down_at = time.monotonic()
        report("PostgreSQL stopped under 4 lookup clients")
        time.sleep(4)
        starting_at = time.monotonic()  # it answers before pg_ctl -w returns
        postgres.start()
        up_at = time.monotonic()
        report(f"PostgreSQL started again after {up_at - down_at:.1f} s")
        wait_for(
            lambda: any(t > up_at and code == 200 for t, code in statuses[-20:]),
            30,
            "lookups to succeed again",
        )
        recovered = next(t for t, code in statuses if t > up_at and code == 200)
        time.sleep(1)
    finally:
        stop.set()
        server.terminate()
        server.wait(20)
        log.close()
    during = Counter(code for t, code in statuses if down_at + 0.5 < t < starting_at)
    overall = Counter(code for _, code in statuses)
    server_log = (tmp_path / "gunicorn.log").read_text(errors="replace")
    report(
        f"answers overall {dict(overall)}, while down {dict(during)}; lookups back "
        f"{recovered - up_at:.1f} s after the restart"
    )
    assert set(overall) <= {200, 503}, overall
    assert during[503] > 0 and during[200] == 0
    assert "Traceback" not in server_log, server_log[-3000:]
    assert "database unavailable" in server_log


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False
