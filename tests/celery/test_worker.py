"""A real Celery worker, on the broker of this run (SQLite file by default, Redis in CI)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings

import pytest

from backoffice.core.tasks import send_email

pytestmark = pytest.mark.celery

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(tmp_path: Path):
    """Start `celery worker` on a private queue, with e-mail written to files."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    outbox = tmp_path / "outbox"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": f"filemail:///{outbox}",  # absolute: three slashes + "/tmp…"
    }
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue, outbox, process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_worker_delivers_a_queued_email(worker) -> None:
    queue, outbox, process = worker
    send_email.apply_async(
        kwargs={
            "to": ["can.bo@soctrang.example"],
            "subject": "[Một Cửa] Kiểm tra hàng đợi",
            "body": "Hồ sơ đã được tiếp nhận.",
        },
        queue=queue,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        files = list(outbox.glob("*.log")) if outbox.exists() else []
        if files:
            break
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail(f"no e-mail within 60 s; worker said:\n{process.communicate()[0]}")
    message = files[0].read_text()
    assert "can.bo@soctrang.example" in message
    assert "Subject: =?utf-8?" in message  # the Vietnamese subject is encoded
