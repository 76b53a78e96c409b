"""Report periods (kỳ báo cáo): a year, or one of its halves (6 tháng đầu / cuối năm).

Written `2026` (the whole year), `2026-H1` (1 January – 30 June) or `2026-H2`
(1 July – 31 December); the bounds are local midnights (Asia/Ho_Chi_Minh), the end
excluded.
"""

import dataclasses
import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.workcalendar import local_zone

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<half>H[12]))?$")
FIRST_YEAR = 2000


@dataclasses.dataclass(frozen=True)
class Period:
    year: int
    half: int | None  # None: the whole year

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.half}" if self.half else str(self.year)

    @property
    def start(self) -> dt.datetime:
        month = 7 if self.half == 2 else 1
        return dt.datetime(self.year, month, 1, tzinfo=local_zone())

    @property
    def end(self) -> dt.datetime:
        if self.half == 1:
            return dt.datetime(self.year, 7, 1, tzinfo=local_zone())
        return dt.datetime(self.year + 1, 1, 1, tzinfo=local_zone())

    @property
    def label(self) -> str:
        if self.half == 1:
            return _("6 tháng đầu năm %(year)s") % {"year": self.year}
        if self.half == 2:
            return _("6 tháng cuối năm %(year)s") % {"year": self.year}
        return _("Năm %(year)s") % {"year": self.year}


def period_parse(value: str, *, now: dt.datetime | None = None) -> Period:
    """Read `2026`, `2026-H1` or `2026-H2`; refuse anything else and future periods.

    A period that has begun but not ended is allowed (figures to date).
    """
    text = (value or "").strip().upper()
    match = PERIOD_RE.match(text)
    if match is None:
        raise ValidationError(
            _(
                "Kỳ báo cáo “%(value)s” không hợp lệ: ghi năm (2026) hoặc nửa năm "
                "(2026-H1, 2026-H2)."
            )
            % {"value": value},
            code="period_format",
        )
    year = int(match["year"])
    half = int(match["half"][1]) if match["half"] else None
    period = Period(year=year, half=half)
    moment = now or timezone.now()
    if year < FIRST_YEAR or period.start > moment:
        raise ValidationError(
            _(
                "Kỳ báo cáo “%(value)s” chưa bắt đầu hoặc ngoài phạm vi: "
                "không có số liệu."
            )
            % {"value": period.key},
            code="period_future",
        )
    return period


def period_current(*, now: dt.datetime | None = None) -> Period:
    """The half-year now running (what the report page opens on)."""
    local = timezone.localtime(now or timezone.now(), local_zone())
    return Period(year=local.year, half=1 if local.month <= 6 else 2)
