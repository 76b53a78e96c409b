"""Inter-agency transfer within the installation: handed over with its files,
processed by the other agency's staff within the step's days, and back."""

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.approval import dossier_proposal_approve, dossier_propose
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.handling import dossier_accept
from backoffice.dossiers.models import DossierStep, ProcessStep
from backoffice.dossiers.process import dossier_agency_now
from backoffice.dossiers.queues import staff_queues
from backoffice.dossiers.selectors import dossiers_for_staff
from backoffice.dossiers.transfer import dossier_transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(accepted, desk):
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    return accepted


def _queue(user, key: str) -> list[str]:
    for queue in staff_queues(user=user):
        if queue.key == key:
            return [d.code for d in queue.dossiers]
    return []


def test_transfer_to_another_agency_and_back(assigned, desk, agency_tree) -> None:
    ward, city = agency_tree["ward"], agency_tree["city"]
    assert assigned.code not in [
        d.code for d in dossiers_for_staff(user=desk.city_specialist)
    ]

    step = dossier_transfer(
        dossier=assigned,
        actor=desk.leader,
        to_agency=city,
        days=1,
        note="Xác minh nơi cư trú",
    )

    assert step.agency == city and step.state == DossierStep.State.ACTIVE
    assert step.due_at is not None
    assert dossier_agency_now(dossier=assigned) == city
    # The city's staff now see it, with its files; its leader assigns it.
    assert assigned.code in [
        d.code for d in dossiers_for_staff(user=desk.city_specialist)
    ]
    assert assigned.code in _queue(desk.city_leader, "to_assign")
    assert AuditLogEntry.objects.filter(action="dossier.transferred").exists()
    assert assigned.events.filter(note__contains="đến UBND TP Sóc Trăng").exists()
    # The ward's staff can no longer act on the city's step.
    with pytest.raises(PermissionDenied):
        dossier_assign(dossier=assigned, actor=desk.leader, assignee=desk.specialist)
    with pytest.raises(PermissionDenied):
        dossier_propose(
            dossier=assigned, actor=desk.specialist, outcome="forward", note="x"
        )

    dossier_assign(
        dossier=assigned, actor=desk.city_leader, assignee=desk.city_specialist
    )
    assert assigned.code in _queue(desk.city_specialist, "assigned")
    dossier_propose(
        dossier=assigned,
        actor=desk.city_specialist,
        outcome="forward",
        note="Đã xác minh",
    )
    assert assigned.code in _queue(desk.city_leader, "to_approve")
    dossier_proposal_approve(dossier=assigned, actor=desk.city_leader)

    # Back at the ward, with the same specialist.
    assert dossier_agency_now(dossier=assigned) == ward
    back = assigned.steps.get(state="active")
    assert back.kind == DossierStep.Kind.RETURN and back.assignee == desk.specialist
    assert assigned.code in _queue(desk.specialist, "assigned")
    assert AuditLogEntry.objects.filter(action="dossier.handed_over").count() == 2


def test_transfer_to_an_agency_not_handling_the_procedure_is_refused(
    assigned, desk, agency_tree
) -> None:
    steps = list(assigned.steps.values_list("pk", "state", "agency_id"))
    audit = AuditLogEntry.objects.count()
    with pytest.raises(ValidationError, match="không thực hiện thủ tục"):
        dossier_transfer(
            dossier=assigned, actor=desk.leader, to_agency=agency_tree["ict"], days=1
        )
    with pytest.raises(ValidationError, match="từ 1 đến 365"):
        dossier_transfer(
            dossier=assigned, actor=desk.leader, to_agency=agency_tree["city"], days=0
        )
    with pytest.raises(PermissionDenied):
        dossier_transfer(
            dossier=assigned,
            actor=desk.specialist,
            to_agency=agency_tree["city"],
            days=1,
        )
    assert list(assigned.steps.values_list("pk", "state", "agency_id")) == steps
    assert AuditLogEntry.objects.count() == audit
    assert dossier_agency_now(dossier=assigned) == agency_tree["ward"]


def test_a_configured_step_in_another_agency_hands_the_dossier_over(
    submitted, desk, agency_tree, birth_registration
) -> None:
    city = agency_tree["city"]
    ProcessStep.objects.create(
        procedure=birth_registration, sort_order=0, name="Thẩm định", days=2
    )
    ProcessStep.objects.create(
        procedure=birth_registration, sort_order=1, name="Cấp", agency=city, days=1
    )
    dossier_accept(dossier=submitted, actor=desk.reception)
    dossier_assign(dossier=submitted, actor=desk.leader, assignee=desk.specialist)
    dossier_propose(
        dossier=submitted, actor=desk.specialist, outcome="forward", note="Đủ"
    )
    dossier_proposal_approve(dossier=submitted, actor=desk.leader)
    assert dossier_agency_now(dossier=submitted) == city
    submitted.refresh_from_db()
    assert submitted.status == DossierStatus.PROCESSING


def test_the_public_status_api_names_the_agency_holding_the_dossier(
    assigned, desk, agency_tree, client
) -> None:
    url = f"/api/v1/dossiers/{assigned.code}/status"
    headers = {"HTTP_X_LOOKUP_SECRET": assigned.lookup_secret}
    body = client.get(url, **headers).json()
    assert body["agency_now"] == {"code": "000.01.31.H53", "name": "UBND Phường 1"}
    dossier_transfer(
        dossier=assigned, actor=desk.leader, to_agency=agency_tree["city"], days=1
    )
    body = client.get(url, **headers).json()
    assert body["agency_now"] == {"code": "000.00.31.H53", "name": "UBND TP Sóc Trăng"}


def test_the_receiving_agencys_staff_find_a_transferred_dossier(
    assigned, desk, agency_tree, verified_client
) -> None:
    import search

    search.rebuild("dossiers")
    client = verified_client(desk.city_specialist)
    url = "/backoffice/ho-so/viec-cua-toi/"
    row = f'href="/backoffice/ho-so/{assigned.code}/"'
    assert row not in client.get(url, {"q": assigned.code}).content.decode()
    dossier_transfer(
        dossier=assigned, actor=desk.leader, to_agency=agency_tree["city"], days=1
    )
    dossier_assign(
        dossier=assigned, actor=desk.city_leader, assignee=desk.city_specialist
    )
    search.rebuild("dossiers")
    assert row in client.get(url, {"q": "nguyen van an"}).content.decode()
    assert row not in client.get(url, {"q": "tran thi b"}).content.decode()
    other = verified_client(desk.ict_leader)
    assert row not in other.get(url, {"q": assigned.code}).content.decode()
