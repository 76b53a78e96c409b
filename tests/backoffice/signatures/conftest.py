"""Every signatures test runs with the trust store isolated from the environment.

The PKI, PDFs and signing helpers are shared fixtures: tests/fixtures/signatures.py.
"""

import pytest


@pytest.fixture(autouse=True)
def _isolated_trust_settings(isolated_trust_settings: None) -> None:
    """No trust roots or signing file leak in from the environment."""
