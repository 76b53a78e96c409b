"""Administrators edit the working calendar in the Wagtail admin; it is audited."""

import datetime as dt

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry, CalendarDay
from backoffice.core.workcalendar import due_at

pytestmark = pytest.mark.django_db


def test_admin_adds_a_make_up_day_through_wagtail(
    agency_tree, make_staff, verified_client
) -> None:
    admin = make_staff("quantri", agency=agency_tree["province"], role=Role.ADMIN)
    client = verified_client(admin)
    add_url = "/admin/snippets/core/calendarday/add/"
    assert client.get(add_url).status_code == 200
    response = client.post(
        add_url,
        {
            "date": "2027-02-06",
            "kind": "working_day",
            "name": "Làm bù Tết",
            "agency": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(date=dt.date(2027, 2, 6))
    entry = AuditLogEntry.objects.get(action="calendarday.created")
    assert entry.actor_repr == "quantri"
    assert entry.after["name"] == "Làm bù Tết"
    start = dt.datetime(2027, 2, 5, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert due_at(start=start, days=0).date() == day.date


def test_specialist_cannot_edit_the_calendar(
    agency_tree, make_staff, verified_client
) -> None:
    user = make_staff("cv", agency=agency_tree["ict"], role=Role.SPECIALIST)
    client = verified_client(user)
    response = client.post(
        "/admin/snippets/core/calendarday/add/",
        {"date": "2027-02-06", "kind": "working_day", "name": "x"},
    )
    assert response.status_code in (302, 403)
    assert not CalendarDay.objects.exists()


def test_invalid_agency_code_is_refused_in_the_admin(
    agency_tree, make_staff, verified_client
) -> None:
    admin = make_staff("quantri", agency=agency_tree["province"], role=Role.ADMIN)
    client = verified_client(admin)
    response = client.post(
        "/admin/snippets/core/agency/add/",
        {"code": "000.00.00.X", "name": "Sai", "level": "other", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()
    assert not AuditLogEntry.objects.filter(action="agency.created").exists()
