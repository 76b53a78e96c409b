"""Fixtures of the reports tests; they and their helpers live in tests/fixtures/reports.py."""

from tests.fixtures.reports import report_dataset, second_procedure  # noqa: F401
