"""Developer defaults: everything runs with no server and no configuration."""

import os
from pathlib import Path

# Off by default even here: the README's run is what citizens and testers see, and
# it must show the site's own 404/500 pages, never a traceback (DEBUG=true to debug).
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("DEMO_MODE", "true")
os.environ.setdefault(
    "SECRET_KEY", "dev-only-secret-key-not-for-production-8c6f1e2b9d0a4f7e"
)
os.environ.setdefault("ALLOWED_HOSTS", "*")
# Throttle counters shared by every gunicorn worker of the zero-setup run (a file
# cache in VAR_DIR; production uses Redis).
os.environ.setdefault(
    "THROTTLE_CACHE_URL",
    "filecache://"
    + os.environ.get(
        "VAR_DIR", str(Path(__file__).resolve().parents[2] / "var")
    ).rstrip("/")
    + "/throttle",
)

from .base import *  # noqa: F403

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
