"""`scripts/run` (the README's zero-setup run) listens on loopback unless asked, and
the links it puts in receipts and e-mails follow the port it actually uses."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_config(**env: str) -> dict[str, str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "BASE_URL"}
    }
    done = subprocess.run(  # noqa: S603 — our own script, fixed arguments
        [str(ROOT / "scripts" / "run"), "--print-config"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return dict(line.split("=", 1) for line in done.stdout.splitlines())


def test_loopback_by_default_and_links_follow_the_port():
    config = run_config(PORT="8123")
    assert config["BIND"] == "127.0.0.1:8123"
    assert config["BASE_URL"] == "http://localhost:8123"


def test_other_interfaces_only_when_asked_and_base_url_can_be_set():
    config = run_config(HOST="0.0.0.0", BASE_URL="https://motcua.example")  # noqa: S104
    assert config["BIND"] == "0.0.0.0:8000"
    assert config["BASE_URL"] == "https://motcua.example"


def test_the_server_binds_where_the_config_says():
    script = (ROOT / "scripts" / "run").read_text()
    binds = re.findall(r"--bind\s+(\S+)", script)
    assert binds == ['"$HOST:$PORT"']
