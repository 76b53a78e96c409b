"""Assignment: a leader assigns a specialist of the step's agency; reception only
by the procedure's rule; only the assignee acts; reassignment is audited."""

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.approval import dossier_propose
from backoffice.dossiers.assignment import dossier_assign, dossier_assign_by_rule
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.handling import dossier_accept, dossier_request_supplement
from backoffice.dossiers.models import DossierProposal, DossierStep, ProcessStep

pytestmark = pytest.mark.django_db


def _step(dossier) -> DossierStep:
    return dossier.steps.get(state="active")


def test_a_leader_assigns_and_the_dossier_moves_to_processing(accepted, desk) -> None:
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    assert _step(accepted).assignee == desk.specialist
    assert accepted.status == DossierStatus.PROCESSING
    entry = AuditLogEntry.objects.get(action="dossier.assigned")
    assert entry.actor == desk.leader and entry.after["assignee"] == "cv"


def test_reassignment_needs_a_reason_and_is_audited(accepted, desk) -> None:
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    with pytest.raises(ValidationError, match="lý do giao lại"):
        dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist2)
    assert _step(accepted).assignee == desk.specialist
    dossier_assign(
        dossier=accepted,
        actor=desk.leader,
        assignee=desk.specialist2,
        reason="Chuyên viên cv nghỉ phép",
    )
    assert _step(accepted).assignee == desk.specialist2
    entry = AuditLogEntry.objects.get(action="dossier.reassigned")
    assert entry.before == {"assignee": "cv"}
    assert entry.after["assignee"] == "cv2"
    assert entry.note == "Chuyên viên cv nghỉ phép"


@pytest.mark.parametrize("who", ["specialist", "reception", "clerk", "ict_leader"])
def test_only_a_leader_of_the_step_agency_assigns(accepted, desk, who) -> None:
    audit = AuditLogEntry.objects.count()
    with pytest.raises(PermissionDenied, match="Chỉ lãnh đạo"):
        dossier_assign(
            dossier=accepted, actor=getattr(desk, who), assignee=desk.specialist
        )
    assert _step(accepted).assignee is None
    assert AuditLogEntry.objects.count() == audit
    accepted.refresh_from_db()
    assert accepted.status == DossierStatus.ACCEPTED


def test_only_staff_of_the_step_agency_can_be_given_it(accepted, desk) -> None:
    with pytest.raises(ValidationError, match="không phải cán bộ xử lý"):
        dossier_assign(
            dossier=accepted, actor=desk.leader, assignee=desk.city_specialist
        )
    assert _step(accepted).assignee is None


def test_reception_assigns_by_the_procedures_rule_only(
    submitted, desk, birth_registration
) -> None:
    ProcessStep.objects.create(
        procedure=birth_registration,
        name="Thẩm định",
        days=3,
        default_assignee=desk.specialist2,
    )
    dossier_accept(dossier=submitted, actor=desk.reception)
    with pytest.raises(PermissionDenied):
        dossier_assign(
            dossier=submitted, actor=desk.reception, assignee=desk.specialist
        )
    assert _step(submitted).assignee is None
    dossier_assign_by_rule(dossier=submitted, actor=desk.reception)
    assert _step(submitted).assignee == desk.specialist2


def test_without_a_rule_reception_cannot_assign(accepted, desk) -> None:
    with pytest.raises(ValidationError, match="quy tắc giao mặc định"):
        dossier_assign_by_rule(dossier=accepted, actor=desk.reception)


def test_a_specialist_not_assigned_cannot_act(accepted, desk) -> None:
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    audit = AuditLogEntry.objects.count()
    with pytest.raises(PermissionDenied, match="không được giao cho bạn"):
        dossier_propose(
            dossier=accepted, actor=desk.specialist2, outcome="refuse", note="Sai"
        )
    component = accepted.procedure.components.first()
    with pytest.raises(PermissionDenied, match="không được giao cho bạn"):
        dossier_request_supplement(
            dossier=accepted,
            actor=desk.specialist2,
            component_ids=[component.pk],
            reason="Mờ",
        )
    accepted.refresh_from_db()
    assert accepted.status == DossierStatus.PROCESSING
    assert not DossierProposal.objects.exists()
    assert AuditLogEntry.objects.count() == audit
