"""Deadlines: form 04 extends the due date in working days; the overdue rule is
shared by the beat task (notifies once per dossier and day) and the command."""

import datetime as dt
import io
import json

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.core.workcalendar import WorkingCalendar
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.deadlines import (
    dossier_suspend,
    dossiers_overdue,
    dossiers_overdue_notify,
)
from backoffice.dossiers.handling import dossier_request_supplement
from backoffice.dossiers.models import (
    Dossier,
    DossierFile,
    DossierOverdueNotice,
    DossierSuspension,
)

pytestmark = pytest.mark.django_db


def _working_day_after(calendar: WorkingCalendar, day: dt.date, n: int) -> dt.date:
    for _ in range(n):
        day = calendar.next_working_day(day)
    return day


def _state(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.due_at,
        dossier.events.count(),
        dossier.files.count(),
        DossierSuspension.objects.count(),
        AuditLogEntry.objects.count(),
    )


def test_form_04_extends_the_due_date_in_working_days(
    accepted, desk, agency_pki
) -> None:
    calendar = WorkingCalendar(agency=accepted.agency)
    old_due = accepted.due_at
    new_date = _working_day_after(calendar, calendar.to_local(old_due).date(), 2)

    suspension = dossier_suspend(
        dossier=accepted,
        actor=desk.leader,
        reason="Cần xác minh thêm tại nơi cư trú",
        new_date=new_date,
    )

    accepted.refresh_from_db()
    assert suspension.working_days == 2
    assert accepted.due_at == calendar.due_at(old_due, 2)
    assert calendar.to_local(accepted.due_at).date() == new_date
    assert (
        calendar.to_local(accepted.due_at).time() == calendar.to_local(old_due).time()
    )
    form = accepted.files.get(original_name__startswith="mau-04-")
    assert form.kind == DossierFile.Kind.FORM
    from backoffice.signatures.verification import pdf_verify

    with form.file.open("rb") as handle:
        assert pdf_verify(pdf_bytes=handle.read()).verdict == "valid"
    event = accepted.events.order_by("-at", "-id").first()
    assert "hẹn lại ngày trả kết quả" in event.note
    assert event.due_at == accepted.due_at
    assert AuditLogEntry.objects.get(action="dossier.extended").actor == desk.leader


def test_bad_suspensions_are_refused_and_change_nothing(accepted, desk) -> None:
    calendar = WorkingCalendar(agency=accepted.agency)
    due_day = calendar.to_local(accepted.due_at).date()
    later = _working_day_after(calendar, due_day, 1)
    before = _state(accepted)
    with pytest.raises(ValidationError, match="lý do"):
        dossier_suspend(dossier=accepted, actor=desk.leader, reason=" ", new_date=later)
    with pytest.raises(ValidationError, match="quá khứ"):
        dossier_suspend(
            dossier=accepted,
            actor=desk.leader,
            reason="Chậm",
            new_date=timezone.localdate() - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="quá khứ"):
        dossier_suspend(
            dossier=accepted, actor=desk.leader, reason="Chậm", new_date=None
        )
    with pytest.raises(ValidationError, match="phải sau ngày hẹn hiện tại"):
        dossier_suspend(
            dossier=accepted, actor=desk.leader, reason="Chậm", new_date=due_day
        )
    sunday = later + dt.timedelta(days=(6 - later.weekday()) % 7 or 7)
    with pytest.raises(ValidationError, match="ngày làm việc"):
        dossier_suspend(
            dossier=accepted, actor=desk.leader, reason="Chậm", new_date=sunday
        )
    for outsider in (desk.specialist, desk.reception, desk.ict_leader):
        with pytest.raises(PermissionDenied):
            dossier_suspend(
                dossier=accepted, actor=outsider, reason="Chậm", new_date=later
            )
    assert _state(accepted) == before


def _make_overdue(dossier: Dossier, hours: int = 2) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=hours)
    )


def test_the_beat_task_notifies_assignee_and_leader_once_a_day(
    accepted, desk, celery_eager, django_capture_on_commit_callbacks
) -> None:
    from backoffice.dossiers.tasks import flag_overdue_dossiers

    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    _make_overdue(accepted)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_dossiers.apply().get() == 1
    [message] = mail.outbox
    assert sorted(message.to) == ["cv@example.vn", "ld@example.vn"]
    assert accepted.code in message.subject
    notice = DossierOverdueNotice.objects.get()
    assert notice.day == timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_dossiers.apply().get() == 0
    assert len(mail.outbox) == 1
    # The next day it is told again.
    with django_capture_on_commit_callbacks(execute=True):
        assert dossiers_overdue_notify(now=timezone.now() + dt.timedelta(days=1)) == 1
    assert DossierOverdueNotice.objects.count() == 2


def test_the_clock_stops_while_a_supplement_is_awaited(accepted, desk) -> None:
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    _make_overdue(accepted)
    assert list(dossiers_overdue()) == [accepted]
    dossier_request_supplement(
        dossier=accepted,
        actor=desk.specialist,
        component_ids=[accepted.procedure.components.first().pk],
        reason="Ảnh mờ",
    )
    assert list(dossiers_overdue()) == []


def test_the_beat_schedule_runs_the_task(settings) -> None:
    from config.celery import _beat_schedule, app

    saved = dict(app.conf.beat_schedule or {})
    try:
        app.conf.beat_schedule = {}
        settings.DOSSIER_OVERDUE_INTERVAL = 600.0
        _beat_schedule(app)
        entry = app.conf.beat_schedule["dossier-overdue"]
        assert entry["task"] == "backoffice.dossiers.tasks.flag_overdue_dossiers"
        assert entry["schedule"] == 600.0
        assert entry["task"] in app.tasks
    finally:
        app.conf.beat_schedule = saved


def test_dossier_overdue_command_contract(accepted, desk) -> None:
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    _make_overdue(accepted)
    out = io.StringIO()
    call_command("dossier_overdue", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body == {
        "overdue": [
            {
                "code": accepted.code,
                "agency": "000.01.31.H53",
                "due_at": timezone.localtime(
                    Dossier.objects.get(pk=accepted.pk).due_at
                ).isoformat(),
                "assignee": "cv",
            }
        ]
    }
    assert [r["code"] for r in body["overdue"]] == [d.code for d in dossiers_overdue()]
    text = io.StringIO()
    call_command("dossier_overdue", stdout=text)
    assert accepted.code in text.getvalue() and "cv" in text.getvalue()
    Dossier.objects.filter(pk=accepted.pk).update(status=DossierStatus.DONE)
    empty = io.StringIO()
    call_command("dossier_overdue", "--json", stdout=empty)
    assert json.loads(empty.getvalue()) == {"overdue": []}
