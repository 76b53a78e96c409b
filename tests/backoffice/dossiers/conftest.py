"""Fixtures of the dossier processing tests; they live in tests/fixtures/dossier_desk.py."""

from tests.fixtures.dossier_desk import accepted, desk, submitted  # noqa: F401
