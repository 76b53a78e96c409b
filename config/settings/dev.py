"""Developer defaults: everything runs with no server and no configuration."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DEMO_MODE", "true")
os.environ.setdefault(
    "SECRET_KEY", "dev-only-secret-key-not-for-production-8c6f1e2b9d0a4f7e"
)
os.environ.setdefault("ALLOWED_HOSTS", "*")

from .base import *  # noqa: F403

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
