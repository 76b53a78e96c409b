"""Browser tests: the `browser` and `page` fixtures are in tests/fixtures/browser.py."""

from tests.fixtures.browser import ARTIFACTS, CHROMIUM

__all__ = ["ARTIFACTS", "CHROMIUM"]
