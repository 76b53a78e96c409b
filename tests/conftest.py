"""Registers the shared fixtures of tests/fixtures/ for every test."""

# Shared fixtures live in tests/fixtures/<topic>.py and are registered here; test
# modules name fixtures without importing them, and import plain helpers (e.g.
# `tests.fixtures.staff.PASSWORD`) from tests/fixtures or tests/support by name.
pytest_plugins = [
    "tests.fixtures.isolation",
    "tests.fixtures.staff",
    "tests.fixtures.tasks",
    "tests.fixtures.signatures",
    "tests.fixtures.softhsm",
    "tests.fixtures.documents",
    "tests.fixtures.procedures",
    "tests.fixtures.dossiers",
    "tests.fixtures.dossier_files",
    "tests.fixtures.citizens",
    "tests.fixtures.api",
    "tests.fixtures.broker",
    "tests.fixtures.browser",
]
