"""The leader assigns, specialists process; deadlines in working days; overdue."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from backoffice.incoming.constants import IncomingEventKind, IncomingStatus
from backoffice.incoming.routing import (
    incoming_assign,
    incoming_done,
    incoming_overdue_flag,
    incoming_start,
)
from backoffice.incoming.selectors import (
    deadline_colour,
    incoming_for_staff,
    incoming_lists,
)
from backoffice.incoming.services import (
    incoming_check,
    incoming_receive,
    incoming_register,
)
from backoffice.incoming.types import ReceivedFile
from tests.backoffice.incoming.conftest import OFFICE_MOMENT, reload

pytestmark = pytest.mark.django_db
VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def registered(desk, pdfs):
    document = incoming_receive(
        agency=desk["agency"],
        main=ReceivedFile("a.pdf", pdfs["signed"]),
        via="upload",
        now=OFFICE_MOMENT,
    )
    incoming_check(document_id=document.pk)
    return incoming_register(document=reload(document), actor=desk["clerk"])


def test_leader_assigns_with_a_deadline_in_working_days(desk, registered) -> None:
    friday = dt.datetime(2026, 3, 6, 9, 0, tzinfo=VN)
    document = incoming_assign(
        document=registered,
        actor=desk["leader"],
        lead=desk["specialist"],
        co_handlers=[desk["specialist2"]],
        instruction="Giao phòng CNTT chủ trì, báo cáo trước hạn.",
        handling_days=3,
        now=friday,
    )
    assert document.status == IncomingStatus.ASSIGNED
    assert document.due_at == dt.datetime(2026, 3, 11, 9, 0, tzinfo=VN)
    assert list(document.co_handlers.all()) == [desk["specialist2"]]
    assert document.events.filter(kind=IncomingEventKind.ASSIGNED).exists()
    lists = incoming_lists(user=desk["specialist2"])
    assert list(lists["mine"]) == [document]
    document = incoming_start(document=document, actor=desk["specialist2"])
    assert document.status == IncomingStatus.PROCESSING
    with pytest.raises(ValidationError, match="kết quả"):
        incoming_done(document=document, actor=desk["specialist"], outcome=" ")
    document = incoming_done(
        document=document, actor=desk["specialist"], outcome="Đã triển khai."
    )
    assert document.status == IncomingStatus.DONE and document.done_at


def test_only_leaders_assign_and_only_to_the_agency_s_handlers(
    desk, registered
) -> None:
    with pytest.raises(PermissionDenied):
        incoming_assign(
            document=registered,
            actor=desk["clerk"],
            lead=desk["specialist"],
            handling_days=3,
        )
    with pytest.raises(ValidationError, match="không phải cán bộ xử lý"):
        incoming_assign(
            document=registered,
            actor=desk["leader"],
            lead=desk["outsider"],
            handling_days=3,
        )
    with pytest.raises(ValidationError, match="Thời hạn xử lý"):
        incoming_assign(
            document=registered,
            actor=desk["leader"],
            lead=desk["specialist"],
            handling_days=0,
        )
    assert reload(registered).status == IncomingStatus.REGISTERED


def test_specialists_see_only_what_is_assigned_to_them(desk, registered) -> None:
    assert not incoming_for_staff(user=desk["specialist"]).exists()
    assert list(incoming_for_staff(user=desk["clerk"])) == [registered]
    assert not incoming_for_staff(user=desk["outsider"]).exists()
    incoming_assign(
        document=registered,
        actor=desk["leader"],
        lead=desk["specialist"],
        handling_days=2,
    )
    assert list(incoming_for_staff(user=desk["specialist"])) == [registered]
    assert not incoming_for_staff(user=desk["specialist2"]).exists()
    with pytest.raises(PermissionDenied):
        incoming_start(document=registered, actor=desk["specialist2"])


def test_overdue_documents_are_flagged_once(desk, registered) -> None:
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
    document = incoming_assign(
        document=registered,
        actor=desk["leader"],
        lead=desk["specialist"],
        handling_days=1,
        now=monday,
    )
    assert deadline_colour(document, now=monday) == "on-time"
    assert deadline_colour(document, now=monday + dt.timedelta(hours=12)) == "due-soon"
    later = dt.datetime(2026, 3, 4, 9, 0, tzinfo=VN)
    assert deadline_colour(document, now=later) == "overdue"
    assert incoming_overdue_flag(now=later) == 1
    assert incoming_overdue_flag(now=later) == 0
    assert reload(document).overdue_since == later
    assert document.events.filter(kind=IncomingEventKind.OVERDUE).count() == 1
