"""The throwaway site and machine facts the benches share (bench/_scratch.py)."""

import os
from pathlib import Path

from django.db import connection

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def scratch(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import _scratch

    return _scratch


@pytest.fixture
def databases(monkeypatch):
    """What the throwaway site asks of Django's test-database set-up, recorded
    (making real test databases inside this test run would replace its own)."""
    from django.conf import settings
    from django.test import utils

    calls: list[tuple[str, object]] = []

    def setup(**kwargs: object) -> str:
        calls.append(("setup", settings.MEDIA_ROOT))
        assert kwargs == {"verbosity": 0, "interactive": False}
        return "old-config"

    def teardown(old_config: object, **kwargs: object) -> None:
        calls.append(("teardown", old_config))

    monkeypatch.setattr(utils, "setup_databases", setup)
    monkeypatch.setattr(utils, "teardown_databases", teardown)
    return calls


def test_machine_facts_name_the_database_and_the_load(scratch) -> None:
    facts = scratch.machine_facts()
    assert list(facts) == ["database", "cpu_count", "load_average_1min"]
    assert facts["database"] == connection.vendor
    assert facts["cpu_count"] == os.cpu_count()
    assert isinstance(facts["load_average_1min"], float)


def test_the_site_is_configured_before_its_databases_and_removed_after(
    scratch, databases, settings
) -> None:
    seen: list[Path] = []

    def configure(media: Path) -> None:
        seen.append(media)
        databases.append(("configure", settings.MEDIA_ROOT))

    with scratch.throwaway_site("bench-test-", configure=configure) as media:
        assert media.is_dir()
        assert media.name.startswith("bench-test-")
        assert str(media) == settings.MEDIA_ROOT
        (media / "out").mkdir()
    assert seen == [media]
    assert databases == [
        ("configure", str(media)),
        ("setup", str(media)),
        ("teardown", "old-config"),
    ]
    assert not media.exists()


def test_a_failing_run_still_removes_its_databases_and_media(
    scratch, databases
) -> None:
    with (
        pytest.raises(RuntimeError, match="bench failed"),
        scratch.throwaway_site("bench-test-") as media,
    ):
        raise RuntimeError("bench failed")
    assert [call for call, _ in databases] == ["setup", "teardown"]
    assert not media.exists()
