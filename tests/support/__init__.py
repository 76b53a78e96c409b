"""Test support: helpers shared by the tests and the bench/ scripts.

Plain functions and data builders, not pytest fixtures (those live in
tests/fixtures/ and are registered with `pytest_plugins` in tests/conftest.py).
"""
