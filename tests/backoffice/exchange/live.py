"""Two live installations on loopback for the exchange tests.

Each has its own database (a copy of the freshly migrated test database: a
SQLite file locally; on PostgreSQL a database created from it under a unique
name and dropped after), its own VAR_DIR/MEDIA_ROOT, its own signing key
(PKCS#12 at SIGNING_PKCS12_PATH), its agency and the other side registered as
a peer. Each serves the product with gunicorn on a free port; Celery runs eager
in each process (CELERY_TASK_ALWAYS_EAGER), the retry sweep by its management
command (what beat runs). Nothing of the other side is mocked.
"""

import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def wait_until(check, timeout: float = 30.0, what: str = ""):
    """Poll `check` until it returns something true (the other side is a separate
    process answering in its own time); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(0.3)
        value = check()
    assert value, f"timed out waiting for {what}"
    return value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_keys(common_name: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


@dataclass
class Installation:
    name: str
    code: str
    agency_name: str
    place: str
    workdir: Path
    database_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    last_stderr: str = ""

    def __post_init__(self) -> None:
        self.var = self.workdir / "var"
        (self.var / "pki").mkdir(parents=True, exist_ok=True)
        self.key, self.certificate = make_keys(f"{self.agency_name} — liên thông")
        (self.var / "pki" / "agency.p12").write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"exchange",
                self.key,
                self.certificate,
                None,
                serialization.NoEncryption(),
            )
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "VAR_DIR": str(self.var),
            "MEDIA_ROOT": str(self.var / "media"),
            "SIGNING_PKCS12_PATH": str(self.var / "pki" / "agency.p12"),
            "SIGNING_PKCS12_PASSWORD": "",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "CELERY_BROKER_URL": "memory://",
            "EXCHANGE_RETRY_BASE_SECONDS": "0.2",
            "EXCHANGE_TIMEOUT_SECONDS": "60",
            "EXCHANGE_MAX_ATTEMPTS": "6",
            "LOG_LEVEL": "WARNING",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        env.pop("CI_DATABASE_URL", None)
        env.update(self.extra_env)
        return env

    def op(self, name: str, **args: Any) -> dict[str, Any]:
        """Run one site operation (site_ops.py) in this installation."""
        done = subprocess.run(  # noqa: S603 — fixed arguments
            [sys.executable, "-m", "tests.backoffice.exchange.site_ops", name,
             json.dumps(args)],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        self.last_stderr = done.stderr[-6000:]
        if done.returncode != 0:
            raise AssertionError(f"{self.name} {name} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def manage(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 — fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        if done.returncode != 0:
            raise AssertionError(f"{self.name} {args} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    def start(self) -> None:
        log = (self.workdir / "gunicorn.log").open("a")
        self.process = subprocess.Popen(  # noqa: S603 — fixed arguments
            [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "8", "--timeout", "120"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} did not start:\n{self.log()}")
            if self._answers():
                return
            time.sleep(0.2)
        raise AssertionError(f"{self.name} did not answer in time:\n{self.log()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(  # noqa: S310 — loopback
                f"{self.url}/exchange/v1/organizations/", timeout=2
            ) as answer:
                return answer.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def log(self, tail: int = 4000) -> str:
        path = self.workdir / "gunicorn.log"
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def post(self, path: str, data: bytes) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(  # noqa: S310 — loopback
            f"{self.url}/{path.lstrip('/')}",
            data=data,
            method="POST",
            headers={"Content-Type": "application/xml"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as exc:
            body = exc.read()
            try:
                return exc.code, json.loads(body or b"{}")
            except ValueError:
                return exc.code, {"raw": body.decode(errors="replace")[:500]}

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read this installation's database directly (SQLite or PostgreSQL)."""
        if self.database_url.startswith("sqlite:"):
            path = self.database_url.removeprefix("sqlite:///")
            with contextlib.closing(sqlite3.connect(f"/{path.lstrip('/')}")) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return db.execute(sql, params).fetchall()


class Databases:
    """Two databases copied from the migrated test database."""

    def __init__(self, connection: Any, workdir: Path) -> None:
        self.connection = connection
        self.workdir = workdir
        self.created: list[str] = []
        self.admin_url = ""

    def make(self, side: str) -> str:
        if self.connection.vendor == "sqlite":
            path = self.workdir / f"{side}.sqlite3"
            self.connection.ensure_connection()
            with contextlib.closing(sqlite3.connect(path)) as target:
                self.connection.connection.backup(target)
            return f"sqlite:///{path}"
        import psycopg

        settings = self.connection.settings_dict
        template = settings["NAME"]
        name = f"motcua_ex_{side}_{uuid.uuid4().hex[:10]}"
        self.connection.close()
        base = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@"
            f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        )
        self.admin_url = f"{base}/postgres"
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return f"{base}/{name}"

    def drop(self) -> None:
        if not self.created:
            return
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as db:
            for name in self.created:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pair(workdir: Path, databases: Databases) -> tuple[Installation, Installation]:
    """Set up A (Sóc Trăng) and B (Cần Thơ), each knowing the other as a peer."""
    a = Installation(
        name="A",
        code="000.00.00.H53",
        agency_name="UBND tỉnh Sóc Trăng",
        place="Sóc Trăng",
        workdir=workdir / "a",
        database_url=databases.make("a"),
    )
    b = Installation(
        name="B",
        code="000.00.00.H60",
        agency_name="UBND thành phố Cần Thơ",
        place="Cần Thơ",
        workdir=workdir / "b",
        database_url=databases.make("b"),
        extra_env={"EXCHANGE_MAX_PACKET_BYTES": str(200_000)},
    )
    for own, other in ((a, b), (b, a)):
        own.op(
            "setup",
            own_code=own.code,
            own_name=own.agency_name,
            place=own.place,
            peer_name=f"Hệ thống {other.place}",
            peer_url=other.url,
            peer_pem=pem(other.certificate),
            peer_agencies=[[other.code, other.agency_name]],
        )
    return a, b


def shutdown(*sides: Installation, databases: Databases) -> None:
    for side in sides:
        side.stop()
    databases.drop()
    shutil.rmtree(databases.workdir, ignore_errors=True)
