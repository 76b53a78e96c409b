"""Fault drills: real Celery workers and a private Redis, killed on purpose.

Each drill runs against the test database (committed data: `transactional_db`),
so the worker — a separate process — sees what the test wrote. PostgreSQL only:
pytest-django's SQLite test database lives in memory, out of a worker's reach.
Everything runs on loopback, on free ports, in temporary folders, bounded in time.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import connection

import pytest

ROOT = Path(__file__).resolve().parents[2]


def report(message: str) -> None:
    """Drills print what they killed and what they found (run with -s to watch)."""
    sys.stderr.write(f"[drill] {message}\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def drill_db(transactional_db) -> str:
    if connection.vendor != "postgresql":
        pytest.skip("fault drills need PostgreSQL (DATABASE_URL), as CI runs them")
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class RedisServer:
    """A private redis-server on a free port; `stop`/`start` restart it in place."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (scripts/services installs it)"
        self.process = subprocess.Popen(  # noqa: S603 — fixed arguments
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for(answers, 10, "redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


class Workers:
    """Starts `celery worker -B` processes on the drill's broker and database."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        from django.conf import settings

        index = len(self.processes)
        # Read now, not when the fixture was made: the test's PKI fixture may have
        # set the signing certificate since.
        env = {
            **self.env,
            "SIGNING_PKCS12_PATH": str(settings.SIGNING_PKCS12_PATH),
            "SIGNING_PKCS12_PASSWORD": str(settings.SIGNING_PKCS12_PASSWORD),
        }
        log = (self.workdir / f"worker-{index}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 — fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-B",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "-s",
                str(self.workdir / f"beat-{index}"),
                "-n",
                f"drill{index}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed as a whole
        )
        self.processes.append(process)
        report(f"started worker {index} (pid {process.pid})")
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool children, as the OOM killer would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        report(f"SIGKILLed worker pid {process.pid} and its pool")

    def log(self, index: int) -> str:
        return (self.workdir / f"worker-{index}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def workers(drill_db, redis_server, tmp_path, settings) -> Iterator[Workers]:
    """Workers with short drill timings: leases of 8 s, reaper and drainer every
    second (production defaults are minutes; the mechanism is the same)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": drill_db,
        "CELERY_BROKER_URL": redis_server.url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
        "OUTBOX_DRAIN_INTERVAL": "1",
        "OUTBOX_GRACE_SECONDS": "0",
        "LEASE_REAP_INTERVAL": "1",
        "SCAN_LEASE_SECONDS": "8",
        "LEASE_SECONDS": "6",
        "LEASE_QUEUED_SECONDS": "20",
        "SCAN_DPI": "200",
        "SCAN_OCR": "true",
        "SCAN_WORKERS": "1",
    }
    (tmp_path / "var").mkdir(exist_ok=True)
    pool = Workers(env, tmp_path)
    yield pool
    pool.stop_all()
    for index in range(len(pool.processes)):
        report(f"worker {index} log tail:\n{pool.log(index)[-1500:]}")


@pytest.fixture
def publish_to(monkeypatch):
    """Point this test process's Celery app at another broker (and back after)."""
    from config.celery import app

    def point(url: str) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its config.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        monkeypatch.setattr(app.conf, "broker_url", url)
        app._pool = None
        app.amqp._producer_pool = None

    yield point
    app._pool = None
    app.amqp._producer_pool = None
