"""`manage.py search_index rebuild|check [--index NAME ...] [--json]`."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import search


class Command(BaseCommand):
    help = "Dựng lại hoặc kiểm tra các chỉ mục tìm kiếm (rebuild / check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument(
            "--index",
            action="append",
            dest="indexes",
            help="index name (repeatable; default: every registered index)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar (rebuild)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        registered = {index.name: index for index in search.all_indexes()}
        names = options["indexes"] or sorted(registered)
        unknown = [name for name in names if name not in registered]
        if unknown:
            raise CommandError(
                "Không có chỉ mục tên: "
                + ", ".join(f"“{name}”" for name in unknown)
                + ". Các chỉ mục: "
                + (", ".join(sorted(registered)) or "(chưa đăng ký chỉ mục nào)")
                + "."
            )
        if options["action"] == "rebuild":
            report = self._rebuild(names, options)
        else:
            report = self._check(names, options)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        if options["action"] == "check" and any(r["drift"] for r in report.values()):
            raise CommandError(
                "Chỉ mục lệch so với dữ liệu; chạy `search_index rebuild`."
            )

    def _rebuild(self, names: list[str], options: dict) -> dict[str, dict]:
        report = {}
        show = not options["json"] and not options["no_progress"]
        for name in names:
            started = time.monotonic()
            bar = _ProgressBar(self.stdout, name) if show else None
            indexed = search.rebuild(name, progress=bar)
            if bar:
                bar.finish()
            seconds = round(time.monotonic() - started, 2)
            report[name] = {"indexed": indexed, "seconds": seconds}
            if not options["json"]:
                self.stdout.write(
                    self.style.SUCCESS(f"{name}: {indexed} tài liệu, {seconds} giây")
                )
        return report

    def _check(self, names: list[str], options: dict) -> dict[str, dict]:
        report = {}
        for name in names:
            expected, indexed = search.check(name)
            drift = indexed - expected
            report[name] = {"expected": expected, "indexed": indexed, "drift": drift}
            if not options["json"]:
                line = f"{name}: cần {expected}, đang có {indexed}, lệch {drift:+d}"
                style = self.style.SUCCESS if drift == 0 else self.style.ERROR
                self.stdout.write(style(line))
        return report


class _ProgressBar:
    """A one-line text progress bar (on a terminal it redraws in place)."""

    WIDTH = 30

    def __init__(self, stream: Any, label: str) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        total = max(total, done, 1)
        filled = int(self.WIDTH * done / total)
        percent = int(100 * done / total)
        if not self.tty and percent // 10 == self.last // 10:
            return
        self.last = percent
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        end = "\r" if self.tty else "\n"
        self.stream.write(f"{self.label} [{bar}] {done}/{total} {percent}%", ending=end)
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("")
