"""Every figure of the report on the hand-built dataset (see conftest.py)."""

from django.core.exceptions import ValidationError

import pytest

from backoffice.reports.builder import Scope, report_build
from backoffice.reports.periods import period_parse
from tests.fixtures.reports import NOW, at

pytestmark = pytest.mark.django_db


def build(key="2026-H1", agency=None, subtree=True):
    return report_build(
        period=period_parse(key, now=NOW), scope=Scope(agency, subtree), now=NOW
    )


def counts(items):
    return {item["code"]: item["count"] for item in items}


def test_incoming_figures(report_dataset):
    inc = build()["incoming"]
    assert inc["total"] == 4
    assert counts(inc["by_channel"]) == {
        "upload": 1,
        "email": 1,
        "internal": 1,
        "edxml": 1,
    }
    assert (inc["electronic"], inc["electronic_share"]) == (3, 75.0)
    assert (inc["signed"], inc["signed_valid"], inc["signed_share"]) == (3, 1, 75.0)
    assert (inc["registered"], inc["refused"]) == (3, 1)
    # Acknowledged after 2 h, 6 h and 24 h.
    assert inc["acknowledged"] == 3
    assert inc["ack_hours_avg"] == 10.7
    assert inc["ack_hours_median"] == 6.0


def test_outgoing_figures(report_dataset):
    out = build()["outgoing"]
    assert (out["total"], out["signed"], out["signed_share"]) == (2, 1, 50.0)
    assert (out["paper"], out["paper_share"]) == (1, 50.0)
    assert out["recipients"] == 3
    assert counts(out["recipients_by_channel"]) == {
        "internal": 0,
        "email": 1,
        "edxml": 1,
        "paper": 1,
    }
    assert out["recipients_electronic_share"] == 66.7
    # Acknowledged after 3 h and 24 h.
    assert (out["acknowledged"], out["ack_hours_avg"]) == (2, 13.5)
    assert out["ack_hours_median"] == 13.5


def test_dossier_figures_for_the_province(report_dataset):
    dos = build()["dossiers"]
    assert dos["total"] == 9
    assert counts(dos["by_channel"]) == {"online": 5, "counter": 3, "post": 1}
    assert (dos["online"], dos["online_share"]) == (5, 55.6)
    status = counts(dos["by_status"])
    assert (status[10], status[9], status[4], status[5], status[7], status[3]) == (
        3,
        1,
        2,
        1,
        1,
        1,
    )
    assert sum(status.values()) == 9
    assert (dos["on_time"], dos["late"], dos["in_progress"], dos["excluded"]) == (
        3,
        2,
        2,
        2,
    )
    assert dos["on_time_rate"] == 60.0
    # Ratings given in the half-year: 4, 2 (ward) and 5 (justice).
    assert (dos["ratings"], dos["rating_avg"]) == (3, 3.67)


def test_on_time_per_agency_and_procedure(report_dataset):
    report = build()
    agencies = {row["code"]: row for row in report["on_time_by_agency"]}
    ward = agencies["000.01.31.H53"]
    assert (ward["received"], ward["on_time"], ward["late"]) == (7, 2, 2)
    assert (ward["in_progress"], ward["excluded"], ward["on_time_rate"]) == (2, 1, 50.0)
    assert (ward["ratings"], ward["rating_avg"]) == (2, 3.0)
    justice = agencies["000.00.04.H53"]
    assert (justice["received"], justice["on_time"], justice["late"]) == (2, 1, 0)
    assert (justice["on_time_rate"], justice["rating_avg"]) == (100.0, 5.0)
    assert set(agencies) == {"000.01.31.H53", "000.00.04.H53"}
    procedures = {row["code"]: row for row in report["on_time_by_procedure"]}
    assert procedures["1.001193"]["received"] == 7
    assert procedures["2.000635"]["on_time_rate"] == 100.0


def test_scan_figures(report_dataset):
    assert build()["scans"] == {
        "batches": 1,
        "pages": 5,
        "blank_pages": 1,
        "sheets": 1,
        "pages_digitised": 2,
    }


def test_agency_scope_with_and_without_subtree(report_dataset, agency_tree):
    city = build(agency=agency_tree["city"])
    assert city["dossiers"]["total"] == 7  # the ward is below the city
    assert city["incoming"]["total"] == 4
    assert build(agency=agency_tree["city"], subtree=False)["dossiers"]["total"] == 0
    justice = build(agency=agency_tree["justice"])
    assert justice["dossiers"]["total"] == 2
    assert justice["incoming"]["total"] == 0
    assert [r["code"] for r in justice["on_time_by_agency"]] == ["000.00.04.H53"]


def test_annual_and_second_half(report_dataset):
    assert build("2026")["dossiers"]["total"] == 10  # d10 (July) joins
    h2 = build("2026-H2")
    assert h2["dossiers"]["total"] == 1
    assert h2["dossiers"]["on_time"] == 1
    assert h2["incoming"]["total"] == 1
    assert h2["scans"]["pages_digitised"] == 1


def test_overdue_is_judged_at_the_moment_of_building(report_dataset):
    # Before d4's due date (5 June) it was still in progress, not late.
    early = report_build(
        period=period_parse("2026-H1", now=NOW), scope=Scope(None), now=at(6, 3)
    )
    assert (early["dossiers"]["late"], early["dossiers"]["in_progress"]) == (1, 3)


def test_an_empty_period_gives_zeros(report_dataset):
    report = build("2025-H1")
    assert report["dossiers"]["total"] == 0
    assert report["dossiers"]["on_time_rate"] == 0.0
    assert report["dossiers"]["online_share"] == 0.0
    assert report["incoming"]["signed_share"] == 0.0
    assert report["incoming"]["ack_hours_avg"] == 0.0
    assert report["outgoing"]["paper_share"] == 0.0
    assert report["outgoing"]["recipients_electronic_share"] == 0.0
    assert report["on_time_by_agency"] == []
    assert report["scans"]["pages"] == 0


@pytest.mark.parametrize("bad", ["2026-H3", "20x6", "", "2026-h", "H1-2026", "1999"])
def test_periods_that_do_not_parse_are_refused(bad):
    with pytest.raises(ValidationError) as caught:
        period_parse(bad, now=NOW)
    assert "Kỳ báo cáo" in caught.value.messages[0]


def test_a_future_period_is_refused():
    with pytest.raises(ValidationError) as caught:
        period_parse("2027", now=NOW)
    assert caught.value.code == "period_future"
    with pytest.raises(ValidationError):
        period_parse("2026-H2", now=at(6, 30))
    assert period_parse("2026-h2", now=NOW).key == "2026-H2"
    assert period_parse("2026", now=NOW).end == at(1, 1, 0, year=2027)
