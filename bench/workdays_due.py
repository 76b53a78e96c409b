"""Benchmark: working-day due dates per second (prints one JSON object).

Run: .venv/bin/python bench/workdays_due.py [--n 20000]
Uses the dev settings (SQLite) unless DJANGO_SETTINGS_MODULE / DATABASE_URL say
otherwise; the database must be migrated.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django

django.setup()

from backoffice.core.workcalendar import WorkingCalendar  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(15_2016)
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    base = dt.datetime(2026, 1, 1, tzinfo=zone)
    starts = [
        base + dt.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        for _ in range(args.n)
    ]
    days = [rng.choice([1, 3, 5, 7, 10, 15, 20, 30, 45]) for _ in range(args.n)]

    t0 = time.perf_counter()
    calendar = WorkingCalendar()
    load_ms = (time.perf_counter() - t0) * 1000

    latencies = []
    t0 = time.perf_counter()
    for start, n in zip(starts, days, strict=True):
        t = time.perf_counter()
        calendar.due_at(start, n)
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - t0
    latencies.sort()
    print(
        json.dumps(
            {
                "benchmark": "workdays_due",
                "computations": args.n,
                "per_second": round(args.n / elapsed),
                "p50_us": round(latencies[len(latencies) // 2] * 1e6, 1),
                "p95_us": round(latencies[int(len(latencies) * 0.95)] * 1e6, 1),
                "calendar_load_ms": round(load_ms, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
