"""Helpers for the responsive crawl: follow the links of the site as one user would,
and check each page for sideways scrolling and with axe-core.

axe-core comes from npm (package.json at the repository root, installed by
`scripts/install` with `npm ci`) and is injected from node_modules — no CDN.
"""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (360, 390, 768)
# Not pages of the portal or the back office: sign-out and language forms are
# buttons; Wagtail's own admin, Django's admin, the API, files and media.
SKIP_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/api/",
    "/i18n/",
    "/media/",
    "/static/",
    "/documents/",
)
SKIP_PARTS = ("dang-xuat", "logout", "/tep/", "/file", ".pdf", "/xuat", "/in-")
# Facets and pagination make thousands of addresses with the same template: the
# crawl visits a few of each path.
VARIANTS_PER_PATH = 2


def axe_source() -> str:
    if not AXE.is_file():
        raise AssertionError(
            f"{AXE} is missing: run scripts/install (it runs `npm ci` for axe-core)."
        )
    return AXE.read_text(encoding="utf-8")


def _key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    query = urlencode(sorted(q for q in parse_qsl(parts.query) if q[0] != "page"))
    return parts.path, query


def crawl(page: Page, base: str, starts: list[str], limit: int = 60) -> list[str]:
    """Addresses of the HTML pages reachable from `starts` (same origin)."""
    host = urlsplit(base).netloc
    queue = [base + s for s in starts]
    seen: set[tuple[str, str]] = set()
    per_path: dict[str, int] = {}
    pages: list[str] = []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path, query = _key(url)
        if (path, query) in seen:
            continue
        seen.add((path, query))
        if per_path.get(path, 0) >= VARIANTS_PER_PATH:
            continue
        try:
            response = page.goto(url)
        except PlaywrightError:  # a download, not a page
            continue
        if response is None or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        assert response.status < 500, f"{url} answered {response.status}"
        per_path[path] = per_path.get(path, 0) + 1
        pages.append(url.removeprefix(base))
        for href in page.eval_on_selector_all(
            "a[href]:not([download]):not([target=_blank])",
            "els => els.map(e => e.href)",
        ):
            parts = urlsplit(href)
            if parts.netloc != host or parts.scheme not in ("http", "https"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or any(
                s in parts.path for s in SKIP_PARTS
            ):
                continue
            queue.append(parts._replace(fragment="").geturl())
    return pages


def overflow(page: Page) -> dict | None:
    """The page's width and its widest element when it scrolls sideways."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.scrollWidth;
          if (width <= innerWidth) return null;
          let widest = null;
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > innerWidth + 1 && (!widest || r.right > widest.right))
              widest = {right: Math.round(r.right), tag: el.tagName,
                        cls: el.className && String(el.className), id: el.id};
          }
          return {scrollWidth: width, innerWidth, widest};
        }"""
    )


def axe_serious(page: Page, source: str) -> list[dict]:
    """axe-core's serious and critical violations on the current page."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=source)
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, impact: v.impact,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
