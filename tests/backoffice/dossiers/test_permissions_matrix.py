"""Who may do what to a dossier (issue 8.4): every (actor × handling action) pair.

Each action needs the right of its stage (core.constants.ROLE_PERMISSIONS): taking in,
refusing, asking for more at intake, handing back and re-issuing the receipt are the
reception officer's (RECEIVE_DOSSIERS); asking for more during processing and
recording the result are the specialist's and the leader's (PROCESS_DOSSIERS).
A supplement comes from the applicant's own account or over the counter. A refused
actor gets PermissionDenied and nothing changes: status, history, files (rows and
storage), audit log, outbox, leases.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

import pytest

from backoffice.accounts.models import User
from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry, JobLease, OutboxMessage
from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.handling import (
    dossier_accept,
    dossier_complete,
    dossier_receipt_retry,
    dossier_refuse,
    dossier_request_supplement,
    dossier_return_result,
    dossier_supplement_submit,
)
from backoffice.dossiers.models import Dossier, DossierSupplementRequest
from backoffice.dossiers.services import dossier_submit, dossier_transition
from backoffice.dossiers.stopping import dossier_stop
from tests.fixtures.dossiers import pdf_upload

pytestmark = pytest.mark.django_db

S = DossierStatus

# Who acts: a staff member of each role in the dossier's agency (the ward), a
# leader of the province above it (roles with VIEW_SUBTREE reach down), a reception
# officer of another department, the applicant's account and another citizen.
ACTORS = (
    "reception",
    "clerk",
    "specialist",
    "leader",
    "admin",
    "province_leader",
    "reception_elsewhere",
    "owner",
    "other_citizen",
)


def _supplement_component(dossier: Dossier) -> int:
    return dossier.procedure.components.first().pk


def _ask_supplement(dossier: Dossier, actor: User) -> Dossier:
    return dossier_request_supplement(
        dossier=dossier,
        actor=actor,
        component_ids=[_supplement_component(dossier)],
        reason="Bản chụp bị mờ",
    )


@dataclass(frozen=True)
class Action:
    # Statuses the dossier is moved through (by the system) before the action.
    path: tuple[int, ...]
    run: Callable[[Dossier, User], Any]
    allowed: frozenset[str]
    # The status after a permitted action, or the audit action it leaves.
    status_after: int | None = None
    audited_as: str | None = None
    # The open supplement request the action answers.
    needs_supplement_request: bool = False


RECEPTION_ONLY = frozenset({"reception"})
PROCESSORS = frozenset({"specialist", "leader", "province_leader"})

ACTIONS: dict[str, Action] = {
    "accept": Action(
        path=(),
        run=lambda d, u: dossier_accept(dossier=d, actor=u),
        allowed=RECEPTION_ONLY,
        status_after=S.ACCEPTED,
    ),
    "refuse": Action(
        path=(),
        run=lambda d, u: dossier_refuse(dossier=d, actor=u, reason="Sai thẩm quyền"),
        allowed=RECEPTION_ONLY,
        status_after=S.NOT_ACCEPTED,
    ),
    "request_supplement_at_intake": Action(
        path=(),
        run=_ask_supplement,
        allowed=RECEPTION_ONLY,
        status_after=S.SUPPLEMENT_REQUESTED,
    ),
    "request_supplement_in_processing": Action(
        path=(S.ACCEPTED, S.PROCESSING),
        run=_ask_supplement,
        allowed=PROCESSORS,
        status_after=S.SUPPLEMENT_REQUESTED,
    ),
    "complete": Action(
        path=(S.ACCEPTED,),
        run=lambda d, u: dossier_complete(
            dossier=d, actor=u, result_files=[pdf_upload("ket-qua.pdf")]
        ),
        allowed=PROCESSORS,
        status_after=S.DONE,
    ),
    "return_result": Action(
        path=(S.ACCEPTED, S.PROCESSING, S.DONE),
        run=lambda d, u: dossier_return_result(dossier=d, actor=u),
        allowed=RECEPTION_ONLY,
        status_after=S.RESULT_RETURNED,
    ),
    # Form 05: only a leader of the agency holding the dossier (not one above it).
    "stop": Action(
        path=(S.ACCEPTED,),
        run=lambda d, u: dossier_stop(dossier=d, actor=u, reason="Người nộp đề nghị"),
        allowed=frozenset({"leader"}),
        status_after=S.STOPPED,
    ),
    "receipt_retry": Action(
        path=(),
        run=lambda d, u: dossier_receipt_retry(dossier=d, actor=u),
        allowed=RECEPTION_ONLY,
        audited_as="dossier.receipt_retried",
    ),
    "supplement_submit": Action(
        path=(),
        run=lambda d, u: dossier_supplement_submit(
            dossier=d,
            by=u,
            files={_supplement_component(d): [pdf_upload("ban-ro-net.pdf")]},
        ),
        allowed=frozenset({"owner", "reception"}),
        status_after=S.NEW,
        needs_supplement_request=True,
    ),
}

CASES = [
    pytest.param(action, actor, id=f"{action}-{actor}")
    for action in ACTIONS
    for actor in ACTORS
]


def _citizen(username: str) -> User:
    return User.objects.create_user(
        username=username,
        email=f"{username}@example.vn",
        password="Công-dân-2026!",
        email_verified_at=timezone.now(),
    )


def _actor(key: str, *, agency_tree, make_staff, owner: User) -> User:
    ward = agency_tree["ward"]
    staff = {
        "reception": (ward, Role.RECEPTION),
        "clerk": (ward, Role.CLERK),
        "specialist": (ward, Role.SPECIALIST),
        "leader": (ward, Role.LEADER),
        "admin": (ward, Role.ADMIN),
        "province_leader": (agency_tree["province"], Role.LEADER),
        "reception_elsewhere": (agency_tree["ict"], Role.RECEPTION),
    }
    if key == "owner":
        return owner
    if key == "other_citizen":
        return _citizen("nguoi-khac@example.vn")
    agency, role = staff[key]
    return make_staff(f"cb-{key}", agency=agency, role=role, totp_device=False)


def _state(dossier: Dossier, media_root: Path) -> dict[str, Any]:
    dossier.refresh_from_db()
    return {
        "status": dossier.status,
        "due_at": dossier.due_at,
        "finished_at": dossier.finished_at,
        "events": list(dossier.events.values_list("pk", "status")),
        "files": list(dossier.files.values_list("pk", "sha256")),
        "stored": sorted(str(p) for p in media_root.rglob("*") if p.is_file()),
        "audit": list(AuditLogEntry.objects.values_list("pk", flat=True)),
        "supplement_requests": DossierSupplementRequest.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "leases": list(JobLease.objects.values_list("kind", "object_id", "state")),
    }


@pytest.mark.parametrize(("action_name", "actor_key"), CASES)
def test_action_allowed_only_to_its_right(
    action_name: str,
    actor_key: str,
    birth_registration,
    agency_tree,
    applicant,
    complete_files,
    make_staff,
    settings,
) -> None:
    action = ACTIONS[action_name]
    owner = _citizen("chu-ho-so@example.vn")
    dossier = dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=complete_files,
        owner=owner,
    )
    for status in action.path:
        dossier_transition(dossier=dossier, to=status, actor=None)
    if action.needs_supplement_request:
        system = User.objects.create_superuser(
            username="he-thong", email="ht@example.vn", password="x-Pass-2026!"
        )
        _ask_supplement(dossier, system)
    actor = _actor(
        actor_key, agency_tree=agency_tree, make_staff=make_staff, owner=owner
    )
    before = _state(dossier, Path(settings.MEDIA_ROOT))

    if actor_key not in action.allowed:
        with pytest.raises(PermissionDenied, match="không có quyền"):
            action.run(dossier, actor)
        assert _state(dossier, Path(settings.MEDIA_ROOT)) == before
        return

    action.run(dossier, actor)
    dossier.refresh_from_db()
    if action.status_after is not None:
        assert dossier.status == action.status_after
        assert dossier.events.order_by("-at", "-id").first().actor == actor
    if action.audited_as is not None:
        assert AuditLogEntry.objects.get(action=action.audited_as).actor == actor


def test_the_matrix_names_every_handling_action() -> None:
    """A new staff action in handling.py must get its row here."""
    from backoffice.dossiers import handling

    public = {
        name
        for name, value in vars(handling).items()
        if name.startswith("dossier_")
        and callable(value)
        and getattr(value, "__module__", "") == handling.__name__
    }
    run_by_matrix = {
        "dossier_accept",
        "dossier_refuse",
        "dossier_request_supplement",
        "dossier_complete",
        "dossier_return_result",
        "dossier_receipt_retry",
        "dossier_supplement_submit",
    }
    assert public == run_by_matrix
