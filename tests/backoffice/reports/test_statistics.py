"""The daily public statistics snapshot: task, command, figures shared with reports."""

import io
import json

from django.core.management import call_command

import pytest

from backoffice.reports.builder import Scope, report_build
from backoffice.reports.models import StatisticsRow, StatisticsSnapshot
from backoffice.reports.periods import Period
from backoffice.reports.statistics import statistics_public, statistics_refresh
from backoffice.reports.tasks import refresh_public_statistics
from tests.fixtures.reports import NOW

pytestmark = pytest.mark.django_db


def rows(snapshot):
    return {
        (r.agency.code, r.procedure.code): (
            r.received,
            r.on_time,
            r.late,
            r.in_progress,
            r.excluded,
            r.ratings,
            r.rating_avg,
        )
        for r in snapshot.rows.select_related("agency", "procedure")
    }


def test_snapshot_counts_each_agency_and_procedure(report_dataset, settings):
    settings.PUBLIC_STATISTICS_DAYS = 365
    snapshot = statistics_refresh(now=NOW)
    # The last 365 days before 10 July 2026: every dossier but none excluded by
    # date (d11, 31 Dec 2025, is inside the window; its due date 5 Jan passed).
    assert rows(snapshot) == {
        ("000.01.31.H53", "1.001193"): (9, 3, 3, 2, 1, 3, 2.33),
        ("000.00.04.H53", "2.000635"): (2, 1, 0, 0, 1, 1, 5.0),
    }


def test_the_snapshot_and_the_report_agree(report_dataset, settings):
    settings.PUBLIC_STATISTICS_DAYS = 40  # 31 May – 10 July 2026
    snapshot = statistics_refresh(now=NOW)
    public = {a.code: a for a in statistics_public(snapshot=snapshot)}
    ward = public["000.01.31.H53"]
    # d4 (late), d5 (in progress), d10 (on time, rated 1).
    assert (ward.received, ward.on_time, ward.late, ward.in_progress) == (3, 1, 1, 1)
    assert (ward.on_time_rate, ward.ratings, ward.rating_avg) == (50.0, 1, 1.0)
    assert set(public) == {"000.01.31.H53"}
    report = report_build(period=Period(2026, None), scope=Scope(None), now=NOW)
    assert report["dossiers"]["on_time"] == 4


def test_refresh_replaces_the_previous_snapshot(report_dataset):
    first = statistics_refresh(now=NOW)
    second = statistics_refresh(now=NOW)
    assert list(StatisticsSnapshot.objects.values_list("pk", flat=True)) == [second.pk]
    assert not StatisticsRow.objects.filter(snapshot_id=first.pk).exists()


def test_an_empty_database_gives_an_empty_snapshot(agency_tree):
    snapshot = statistics_refresh(now=NOW)
    assert snapshot.rows.count() == 0
    assert statistics_public(snapshot=snapshot) == []


def test_the_beat_task_refreshes(report_dataset, celery_eager):
    snapshot_id = refresh_public_statistics.delay().get()
    assert StatisticsSnapshot.objects.get().pk == snapshot_id
    assert StatisticsRow.objects.filter(snapshot_id=snapshot_id).count() == 2


def test_the_beat_schedule_has_the_daily_refresh():
    from config.celery import app

    entry = app.conf.beat_schedule["public-statistics"]
    assert entry["task"] == "backoffice.reports.tasks.refresh_public_statistics"


def test_the_command_prints_json(report_dataset):
    out = io.StringIO()
    call_command("statistics_refresh", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["rows"] == StatisticsRow.objects.count()
    assert result["snapshot"] == StatisticsSnapshot.objects.get().pk
