import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from backoffice.core.constants import CalendarDayKind
from backoffice.core.models import CalendarDay
from backoffice.core.workcalendar import WorkingCalendar, due_at

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Monday 09:00 + 3 → Thursday 09:00.
        (at(2026, 11, 30, 9, 0), 3, at(2026, 12, 3, 9, 0)),
        # Thursday 10:00 + 2 → Monday (the weekend is skipped).
        (at(2026, 12, 3, 10, 0), 2, at(2026, 12, 7, 10, 0)),
        # Friday 16:59 is still inside the afternoon period.
        (at(2026, 12, 4, 16, 59), 1, at(2026, 12, 7, 16, 59)),
        # Friday 17:30 is after hours: counts from Monday 07:00.
        (at(2026, 12, 4, 17, 30), 1, at(2026, 12, 8, 7, 0)),
        # Saturday counts from Monday 07:00.
        (at(2026, 12, 5, 10, 0), 0, at(2026, 12, 7, 7, 0)),
        # The lunch break counts from 13:30 the same day.
        (at(2026, 12, 2, 12, 15), 1, at(2026, 12, 3, 13, 30)),
        # Before opening counts from 07:00 the same day.
        (at(2026, 12, 2, 6, 0), 1, at(2026, 12, 3, 7, 0)),
        # Lunar New Year 2027: Thu 4 Feb – Wed 10 Feb are holidays.
        (at(2027, 2, 3, 9, 0), 1, at(2027, 2, 11, 9, 0)),
        (at(2027, 2, 3, 9, 0), 3, at(2027, 2, 15, 9, 0)),
        # Filed during Tết: counts from Thursday 11 Feb 07:00.
        (at(2027, 2, 8, 9, 0), 2, at(2027, 2, 15, 7, 0)),
        # National Day 2027: Thu 2 and Fri 3 September.
        (at(2027, 9, 1, 8, 0), 1, at(2027, 9, 6, 8, 0)),
        # The announced make-up Saturday 22 Aug 2026 is a working day.
        (at(2026, 8, 21, 9, 0), 1, at(2026, 8, 22, 9, 0)),
        # A UTC moment is converted to Vietnam time first (02:00Z = 09:00 +07).
        (dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC), 1, at(2026, 12, 1, 9, 0)),
    ],
)
def test_due_at(start: dt.datetime, days: int, expected: dt.datetime) -> None:
    assert due_at(start=start, days=days) == expected


def test_vietnamese_culture_day_2026_is_a_holiday() -> None:
    assert not WorkingCalendar().is_working_day(dt.date(2026, 11, 24))


def test_make_up_working_day_entered_by_administrator() -> None:
    # Filed on Lunar New Year's Eve 2027: counts from Thursday 11 Feb.
    start = at(2027, 2, 5, 9, 0)
    assert due_at(start=start, days=1) == at(2027, 2, 12, 7, 0)
    # An administrator makes Saturday 6 Feb a working day (in exchange for another).
    CalendarDay.objects.create(
        date=dt.date(2027, 2, 6), kind=CalendarDayKind.WORKING_DAY, name="Làm bù"
    )
    assert due_at(start=start, days=0) == at(2027, 2, 6, 7, 0)
    assert due_at(start=start, days=1) == at(2027, 2, 11, 7, 0)
    assert due_at(start=at(2027, 2, 6, 8, 0), days=1) == at(2027, 2, 11, 8, 0)


def test_extra_day_off_moves_the_due_date() -> None:
    start = at(2026, 12, 1, 9, 0)
    assert due_at(start=start, days=1) == at(2026, 12, 2, 9, 0)
    CalendarDay.objects.create(
        date=dt.date(2026, 12, 2),
        kind=CalendarDayKind.DAY_OFF,
        name="Nghỉ theo quyết định",
    )
    assert due_at(start=start, days=1) == at(2026, 12, 3, 9, 0)


def test_agency_rows_apply_to_the_agency_and_its_subtree_only(agency_tree) -> None:
    CalendarDay.objects.create(
        date=dt.date(2026, 12, 2),
        kind=CalendarDayKind.DAY_OFF,
        name="Nghỉ riêng của thành phố",
        agency=agency_tree["city"],
    )
    start = at(2026, 12, 1, 9, 0)
    assert due_at(start=start, days=1, agency=agency_tree["ward"]) == at(
        2026, 12, 3, 9, 0
    )
    assert due_at(start=start, days=1, agency=agency_tree["ict"]) == at(
        2026, 12, 2, 9, 0
    )
    # The ward's own make-up row overrides its parent's day off.
    CalendarDay.objects.create(
        date=dt.date(2026, 12, 2),
        kind=CalendarDayKind.WORKING_DAY,
        name="Phường vẫn làm việc",
        agency=agency_tree["ward"],
    )
    assert due_at(start=start, days=1, agency=agency_tree["ward"]) == at(
        2026, 12, 2, 9, 0
    )


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_at(start=at(2026, 12, 1, 9, 0), days=-1)


def test_office_hours_come_from_settings(settings) -> None:
    settings.OFFICE_HOURS = ["08:00-12:00", "13:00-17:30"]
    assert due_at(start=at(2026, 12, 1, 7, 30), days=1) == at(2026, 12, 2, 8, 0)
    assert due_at(start=at(2026, 12, 1, 17, 15), days=1) == at(2026, 12, 2, 17, 15)
