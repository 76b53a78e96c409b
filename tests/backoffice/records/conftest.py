"""Fixtures of the records tests; they and their helpers live in tests/fixtures/records.py."""

from tests.fixtures.records import desk, dossier  # noqa: F401
