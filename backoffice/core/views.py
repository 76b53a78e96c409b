from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .selectors import agencies_visible_to, user_memberships
from .workcalendar import WorkingCalendar


def dashboard(request: HttpRequest) -> HttpResponse:
    """Back-office home: who I am, where I work, today's calendar."""
    calendar = WorkingCalendar()
    today = timezone.localdate()
    return render(
        request,
        "core/dashboard.html",
        {
            "memberships": user_memberships(user=request.user),
            "agencies": agencies_visible_to(user=request.user)[:50],
            "today": today,
            "today_is_working": calendar.is_working_day(today),
            "next_working_day": calendar.next_working_day(today),
        },
    )
