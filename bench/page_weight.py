"""Benchmark: page weight and first contentful paint on a phone-sized screen
(prints one JSON object). Lighthouse-style figures without Lighthouse.

Run: .venv/bin/python bench/page_weight.py [--runs 5] [--base-url URL]
Without --base-url it builds the README's zero-setup site in a temporary folder
(migrate, load_demo, search index, collectstatic) and serves it with gunicorn on a
free loopback port, as scripts/run does. Then headless Chromium at 390×844 opens
the home page, a procedure page and a library search, each in a fresh browser
context (nothing cached), and reads Chromium's performance API: the bytes
transferred for the HTML, the CSS and the JavaScript (Resource Timing
`transferSize`, compressed as sent) and `first-contentful-paint`. Budget (issue
15): under 150 KB of HTML+CSS+JS per page before images, FCP under 1 s on loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = {
    "home": "/",
    "procedure": "/thu-tuc/1.001193/",
    "library_search": "/van-ban/?q=ch%E1%BB%AF+k%C3%BD+s%E1%BB%91",
}
BUDGET_BYTES = 150 * 1024
BUDGET_FCP_MS = 1000

MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const sum = {html: nav.transferSize, css: 0, js: 0, img: 0, other: 0};
  for (const r of performance.getEntriesByType('resource')) {
    const kind = r.initiatorType === 'script' ? 'js'
      : (r.initiatorType === 'link' || r.initiatorType === 'css') &&
        /\\.css(\\?|$)/.test(r.name) ? 'css'
      : r.initiatorType === 'img' ? 'img' : 'other';
    sum[kind] += r.transferSize;
  }
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {...sum, fcp: fcp ? fcp.startTime : null,
          width: document.documentElement.scrollWidth};
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — loopback only
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not answer")


def start_site(folder: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "VAR_DIR": str(folder),
        "DEBUG": "false",
    }
    env.pop("DATABASE_URL", None)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_demo"],
        ["search_index", "rebuild", "--no-progress"],
    ):
        subprocess.run(  # noqa: S603 — our own manage.py, fixed arguments
            [PY, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/")
    return server, base


def measure(base: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        for name, path in PAGES.items():
            samples = []
            for _ in range(runs + 1):  # the first run warms the server's caches
                context = browser.new_context(
                    viewport={"width": 390, "height": 844}, locale="vi-VN"
                )
                page = context.new_page()
                page.goto(base + path, wait_until="load")
                page.wait_for_timeout(100)  # let the paint entries land
                samples.append(page.evaluate(MEASURE))
                context.close()
            samples = samples[1:]
            last = samples[-1]
            total = last["html"] + last["css"] + last["js"]
            fcps = [s["fcp"] for s in samples if s["fcp"] is not None]
            results[name] = {
                "path": path,
                "html_bytes": last["html"],
                "css_bytes": last["css"],
                "js_bytes": last["js"],
                "html_css_js_bytes": total,
                "image_bytes": last["img"],
                "fcp_ms_median": round(statistics.median(fcps), 1),
                "fcp_ms_max": round(max(fcps), 1),
                "scroll_width": last["width"],
                "within_budget": total < BUDGET_BYTES
                and statistics.median(fcps) < BUDGET_FCP_MS,
            }
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base-url", default="")
    args = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory(prefix="page-weight-") as folder:
        base = args.base_url.rstrip("/")
        if not base:
            server, base = start_site(Path(folder))
        try:
            pages = measure(base, args.runs)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
    print(
        json.dumps(
            {
                "bench": "page_weight",
                "viewport": "390x844",
                "runs": args.runs,
                "budget": {"html_css_js_bytes": BUDGET_BYTES, "fcp_ms": BUDGET_FCP_MS},
                "pages": pages,
                "all_within_budget": all(p["within_budget"] for p in pages.values()),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
