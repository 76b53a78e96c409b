"""Working calendar (lịch làm việc) and due dates in working days.

A day is a working day when it is a configured working weekday (Mon–Fri) and not a
public holiday, unless an administrator's CalendarDay row says otherwise. Public
holidays (lunar ones included) and the government's announced make-up Saturdays come
from the `holidays` package; CalendarDay rows of the agency, of its ancestors or of
all agencies override them, the most specific row winning.

Art. 12 of the regulation: a moment outside office hours counts from the start of
the next office period. The due moment of N working days is the same clock time on
the N-th working day after that effective moment.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

import holidays

from .constants import CalendarDayKind
from .models import Agency, CalendarDay

VERSION_KEY = "workcal:version"
CACHE_SECONDS = 300


def calendar_changed(**kwargs: object) -> None:
    """Signal receiver: a calendar day (or the agency tree) changed."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


MAX_DAYS = 3650


@dataclass(frozen=True)
class OfficePeriod:
    start: dt.time
    end: dt.time


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def office_periods() -> list[OfficePeriod]:
    """Parse OFFICE_HOURS ("07:00-11:30", ...) into sorted, non-overlapping periods."""
    periods = []
    for item in settings.OFFICE_HOURS:
        try:
            start_s, end_s = item.split("-")
            period = OfficePeriod(
                dt.time.fromisoformat(start_s.strip()),
                dt.time.fromisoformat(end_s.strip()),
            )
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"OFFICE_HOURS item {item!r} is not HH:MM-HH:MM"
            ) from exc
        if period.start >= period.end:
            raise ImproperlyConfigured(
                f"OFFICE_HOURS item {item!r} ends before it starts"
            )
        periods.append(period)
    periods.sort(key=lambda p: p.start)
    for earlier, later in zip(periods, periods[1:], strict=False):
        if later.start < earlier.end:
            raise ImproperlyConfigured("OFFICE_HOURS periods overlap")
    if not periods:
        raise ImproperlyConfigured("OFFICE_HOURS is empty")
    return periods


@lru_cache(maxsize=64)
def _package_holidays(
    country: str, year: int
) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, make-up working days) of a year from the `holidays` package."""
    calendar = holidays.country_holidays(country, years=year)
    days_off = frozenset(calendar.keys())
    make_up = frozenset(
        d for d in getattr(calendar, "weekend_workdays", set()) if d.year == year
    )
    return days_off, make_up


class WorkingCalendar:
    """The calendar of one agency (or of all agencies when `agency` is None)."""

    def __init__(self, *, agency: Agency | None = None) -> None:
        self.agency = agency
        self.periods = office_periods()
        self.weekdays = frozenset(settings.WORKING_WEEKDAYS)
        self.zone = local_zone()
        self.overrides = self._load_overrides()

    def _load_overrides(self) -> dict[dt.date, str]:
        # Read on every submission; the days off change a few times a year. Cached
        # for a few minutes, and dropped at once by a change in this process
        # (`calendar_changed`, connected in apps.py).
        key = f"workcal:{cache.get_or_set(VERSION_KEY, 1, None)}:{self.agency_id}"
        overrides = cache.get(key)
        if overrides is None:
            overrides = self._read_overrides()
            cache.set(key, overrides, CACHE_SECONDS)
        return overrides

    @property
    def agency_id(self) -> int | None:
        return self.agency.pk if self.agency is not None else None

    def _read_overrides(self) -> dict[dt.date, str]:
        chain: list[Agency | None] = [None]
        if self.agency is not None:
            chain += list(reversed(self.agency.ancestors())) + [self.agency]
        rank = {(a.pk if a else None): i for i, a in enumerate(chain)}
        rows = CalendarDay.objects.filter(agency_id__in=[k for k in rank if k]) | (
            CalendarDay.objects.filter(agency__isnull=True)
        )
        best: dict[dt.date, tuple[int, str]] = {}
        for row in rows:
            level = rank[row.agency_id]
            if row.date not in best or best[row.date][0] < level:
                best[row.date] = (level, row.kind)
        return {day: kind for day, (_, kind) in best.items()}

    def is_working_day(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override == CalendarDayKind.WORKING_DAY
        days_off, make_up = _package_holidays(settings.HOLIDAYS_COUNTRY, day.year)
        if day in make_up:
            return True
        return day.weekday() in self.weekdays and day not in days_off

    def next_working_day(self, day: dt.date) -> dt.date:
        for _ in range(MAX_DAYS):
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("No working day within ten years: check the calendar.")

    def to_local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.zone)
        return moment.astimezone(self.zone)

    def effective_start(self, moment: dt.datetime) -> dt.datetime:
        """The moment itself inside an office period, else the next period's start."""
        moment = self.to_local(moment)
        day = moment.date()
        if self.is_working_day(day):
            for period in self.periods:
                if period.start <= moment.time() < period.end:
                    return moment
                if moment.time() < period.start:
                    return self._at(day, period.start)
        return self._at(self.next_working_day(day), self.periods[0].start)

    def due_at(self, start: dt.datetime, days: int) -> dt.datetime:
        """The moment `days` working days after `start` (see the module docstring)."""
        if days < 0:
            raise ValueError("The number of working days cannot be negative.")
        effective = self.effective_start(start)
        day = effective.date()
        for _ in range(days):
            day = self.next_working_day(day)
        return self._at(day, effective.time().replace(tzinfo=None))

    def _at(self, day: dt.date, clock: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, clock, tzinfo=self.zone)


def due_at(
    *, start: dt.datetime, days: int, agency: Agency | None = None
) -> dt.datetime:
    """Due moment N working days after `start` for an agency's working calendar."""
    return WorkingCalendar(agency=agency).due_at(start, days)
