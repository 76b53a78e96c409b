"""The staff dossier page over HTTP: each role sees exactly the actions it may
perform now, and a direct POST of any other action gets 403 and changes nothing
(every action × role). Also the work queue page and form 06."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.core.workcalendar import WorkingCalendar
from backoffice.dossiers.approval import dossier_propose
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.handling import dossier_accept
from backoffice.dossiers.models import (
    Dossier,
    DossierProposal,
    DossierStep,
    ProcessStep,
)
from backoffice.dossiers.services import dossier_transition

pytestmark = pytest.mark.django_db

ROLES = (
    "reception",
    "specialist",
    "specialist2",
    "leader",
    "clerk",
    "city_leader",
    "ict_leader",
)


def _accept(d: Dossier, desk) -> None:
    dossier_accept(dossier=d, actor=desk.reception)


def _assign(d: Dossier, desk) -> None:
    _accept(d, desk)
    dossier_assign(dossier=d, actor=desk.leader, assignee=desk.specialist)


def _propose(d: Dossier, desk) -> None:
    _assign(d, desk)
    dossier_propose(dossier=d, actor=desk.specialist, outcome="refuse", note="Sai")


def _rule(d: Dossier, desk) -> None:
    ProcessStep.objects.create(
        procedure=d.procedure,
        name="Thẩm định",
        days=3,
        default_assignee=desk.specialist,
    )
    _accept(d, desk)


def _done(d: Dossier, desk) -> None:
    _assign(d, desk)
    dossier_transition(dossier=d, to=DossierStatus.DONE, actor=None)


def _new_date(d: Dossier) -> str:
    calendar = WorkingCalendar(agency=d.agency)
    return calendar.next_working_day(calendar.to_local(d.due_at).date()).isoformat()


@dataclass(frozen=True)
class Case:
    setup: Any
    data: Any  # (dossier, desk, agency_tree) -> POST data
    allowed: frozenset[str]


def _components(d: Dossier) -> list[int]:
    return [d.procedure.components.first().pk]


CASES: dict[str, Case] = {
    "accept": Case(lambda d, k: None, lambda d, k, t: {}, frozenset({"reception"})),
    "refuse": Case(
        lambda d, k: None,
        lambda d, k, t: {"reason": "Sai thẩm quyền"},
        frozenset({"reception"}),
    ),
    "supplement": Case(
        lambda d, k: None,
        lambda d, k, t: {"components": _components(d), "reason": "Mờ"},
        frozenset({"reception"}),
    ),
    "assign": Case(
        _accept,
        lambda d, k, t: {"assignee": k.specialist2.pk},
        frozenset({"leader"}),
    ),
    "assign_rule": Case(_rule, lambda d, k, t: {}, frozenset({"reception"})),
    "propose": Case(
        _assign,
        lambda d, k, t: {"outcome": "refuse", "note": "Không đủ điều kiện"},
        frozenset({"specialist"}),
    ),
    "supplement_in_processing": Case(
        _assign,
        lambda d, k, t: {"components": _components(d), "reason": "Mờ"},
        frozenset({"specialist"}),
    ),
    "approve": Case(_propose, lambda d, k, t: {}, frozenset({"leader"})),
    "return_proposal": Case(
        _propose, lambda d, k, t: {"comment": "Xem lại"}, frozenset({"leader"})
    ),
    "transfer": Case(
        _assign,
        lambda d, k, t: {"agency": t["city"].pk, "days": "1"},
        frozenset({"leader"}),
    ),
    "suspend": Case(
        _assign,
        lambda d, k, t: {"reason": "Cần xác minh", "new_date": _new_date(d)},
        frozenset({"leader"}),
    ),
    "return": Case(_done, lambda d, k, t: {}, frozenset({"reception"})),
    "complete": Case(_assign, lambda d, k, t: {}, frozenset()),
}


def _post_action(name: str) -> str:
    return "supplement" if name == "supplement_in_processing" else name


def _snapshot(dossier: Dossier) -> dict[str, Any]:
    dossier.refresh_from_db()
    return {
        "status": dossier.status,
        "due_at": dossier.due_at,
        "events": list(dossier.events.values_list("pk", "status")),
        "files": list(dossier.files.values_list("pk", flat=True)),
        "steps": list(
            DossierStep.objects.filter(dossier=dossier).values_list(
                "pk", "position", "state", "agency_id", "assignee_id"
            )
        ),
        "proposals": list(DossierProposal.objects.values_list("pk", "decision")),
        "audit": list(
            AuditLogEntry.objects.exclude(action__endswith="viewed").values_list(
                "pk", flat=True
            )
        ),
    }


@pytest.mark.parametrize(
    ("name", "role"), [(n, r) for n in CASES for r in ROLES], ids=lambda v: str(v)
)
def test_every_action_by_every_role(
    name, role, submitted, desk, agency_tree, verified_client
) -> None:
    case = CASES[name]
    case.setup(submitted, desk)
    client = verified_client(getattr(desk, role))
    action = _post_action(name)
    page = client.get(f"/backoffice/ho-so/{submitted.code}/").content.decode()
    shown = f'name="action" value="{action}"' in page
    allowed = role in case.allowed
    assert shown == allowed, (name, role)

    before = _snapshot(submitted)
    response = client.post(
        f"/backoffice/ho-so/{submitted.code}/thao-tac/",
        {"action": action, **case.data(submitted, desk, agency_tree)},
    )
    if allowed:
        assert response.status_code == 302
        assert _snapshot(submitted) != before, (name, role)
    else:
        # Staff of an agency that cannot see the dossier get the same 404 as for
        # a code that does not exist; everyone else who may not act gets 403.
        expected = 404 if role == "ict_leader" else 403
        assert response.status_code == expected, (name, role, response.status_code)
        assert _snapshot(submitted) == before


def test_an_unknown_action_changes_nothing(submitted, desk, verified_client) -> None:
    client = verified_client(desk.reception)
    before = _snapshot(submitted)
    response = client.post(
        f"/backoffice/ho-so/{submitted.code}/thao-tac/", {"action": "xoa"}, follow=True
    )
    assert "Thao tác không hợp lệ." in response.content.decode()
    assert _snapshot(submitted) == before


def test_bad_input_is_shown_and_changes_nothing(
    accepted, desk, verified_client
) -> None:
    client = verified_client(desk.leader)
    before = _snapshot(accepted)
    response = client.post(
        f"/backoffice/ho-so/{accepted.code}/thao-tac/",
        {
            "action": "suspend",
            "reason": "Chậm",
            "new_date": (dt.date.today() - dt.timedelta(days=3)).isoformat(),
        },
        follow=True,
    )
    assert "Ngày hẹn mới không được ở trong quá khứ." in response.content.decode()
    assert _snapshot(accepted) == before


def test_the_queue_shows_each_role_its_work(submitted, desk, verified_client) -> None:
    reception = verified_client(desk.reception)
    page = reception.get("/backoffice/ho-so/viec-cua-toi/").content.decode()
    assert 'id="queue-to_accept"' in page and submitted.code in page
    assert "due-ontime" in page or "due-soon" in page
    _accept(submitted, desk)
    leader = verified_client(desk.leader)
    page = leader.get("/backoffice/ho-so/viec-cua-toi/").content.decode()
    assert 'id="queue-to_assign"' in page and submitted.code in page
    dossier_assign(dossier=submitted, actor=desk.leader, assignee=desk.specialist)
    specialist = verified_client(desk.specialist)
    page = specialist.get("/backoffice/ho-so/viec-cua-toi/").content.decode()
    assert 'id="queue-assigned"' in page and submitted.code in page
    other = verified_client(desk.specialist2)
    page = other.get("/backoffice/ho-so/viec-cua-toi/").content.decode()
    assert submitted.code not in page
    # Overdue: in the leader's queue, marked in words as well as colour.
    from django.utils import timezone

    Dossier.objects.filter(pk=submitted.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=1)
    )
    page = leader.get("/backoffice/ho-so/viec-cua-toi/").content.decode()
    overdue = page[page.index('id="queue-overdue"') :]
    assert submitted.code in overdue and "due-overdue" in overdue
    assert "Quá hạn" in overdue
    # Filters: another status or procedure empties it.
    page = leader.get("/backoffice/ho-so/viec-cua-toi/?status=9").content.decode()
    assert submitted.code not in page
    page = leader.get(
        f"/backoffice/ho-so/viec-cua-toi/?procedure={submitted.procedure_id}"
    ).content.decode()
    assert submitted.code in page


def test_the_dashboard_and_the_list_link_to_the_queue(desk, verified_client) -> None:
    client = verified_client(desk.specialist)
    assert (
        'href="/backoffice/ho-so/viec-cua-toi/"'
        in client.get("/backoffice/").content.decode()
    )
    assert (
        'href="/backoffice/ho-so/viec-cua-toi/"'
        in client.get("/backoffice/ho-so/").content.decode()
    )


def test_form_06_prints_per_dossier(accepted, desk, verified_client) -> None:
    client = verified_client(desk.specialist)
    response = client.get(f"/backoffice/ho-so/{accepted.code}/mau-06/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    outsider = verified_client(desk.ict_leader)
    assert outsider.get(f"/backoffice/ho-so/{accepted.code}/mau-06/").status_code == 404


def test_an_organisations_name_and_tax_code_are_shown(
    birth_registration, agency_tree, desk, verified_client
) -> None:
    from backoffice.dossiers.models import Dossier as D

    Dossier.objects.none()
    dossier = D.objects.create(
        code="X-1",
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel="counter",
        applicant_name="Trần Thị B",
        applicant_type="organisation",
        applicant_organisation="Hợp tác xã Mỹ Xuyên",
        applicant_tax_code="2200123456",
        received_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC),
        due_at=dt.datetime(2026, 6, 4, 8, tzinfo=dt.UTC),
    )
    page = verified_client(desk.reception).get("/backoffice/ho-so/X-1/").content
    text = page.decode()
    assert "Hợp tác xã Mỹ Xuyên" in text and "2200123456" in text
    assert dossier.code in text


def test_the_fee_form_is_shown_only_to_those_who_may_ask_for_the_fee(
    accepted, desk, verified_client
) -> None:
    page = f"/backoffice/ho-so/{accepted.code}/"
    assert (
        'id="fee-request"'
        not in verified_client(desk.reception).get(page).content.decode()
    )
    assert (
        'id="fee-request"'
        in verified_client(desk.specialist).get(page).content.decode()
    )
