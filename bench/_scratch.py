"""A throwaway site for a bench run, and the machine facts each bench prints.

`throwaway_site` gives a run its own media folder and databases made like a test
run's (the test settings' SQLite, or test_<name> on the PostgreSQL DATABASE_URL
names), and removes both when the run ends, however it ends. Call it after
`django.setup()`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def throwaway_site(
    prefix: str, *, configure: Callable[[Path], None] | None = None
) -> Iterator[Path]:
    """Yield a temporary media folder (MEDIA_ROOT) with the databases set up.

    `configure(media)` runs before the databases are made, so the settings it
    changes (search index, trust roots) are the ones the migrations see."""
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    media = tempfile.TemporaryDirectory(prefix=prefix)
    try:
        settings.MEDIA_ROOT = media.name
        if configure is not None:
            configure(Path(media.name))
        databases = setup_databases(verbosity=0, interactive=False)
        try:
            yield Path(media.name)
        finally:
            teardown_databases(databases, verbosity=0)
    finally:
        media.cleanup()


def machine_facts() -> dict[str, object]:
    """The database the run used and how busy the machine was: it is shared, so
    the 1-minute load when the run ended goes with the figures."""
    from django.db import connection

    return {
        "database": connection.vendor,
        "cpu_count": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
