"""Which staff actions a user may perform on a dossier right now.

The staff page shows exactly these; the action endpoint answers 403 to any other.
The services check their own rights again (this is the page's rule, not the only
guard).
"""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser

from backoffice.core.constants import Permission
from backoffice.core.selectors import user_permissions

from .constants import DossierStatus
from .models import Dossier, DossierProposal, DossierStep

S = DossierStatus

# Every action the endpoint knows; "complete" (a result without a leader's
# approval) is no longer offered to staff, so it is never available.
ALL_ACTIONS = (
    "accept",
    "refuse",
    "supplement",
    "assign",
    "assign_rule",
    "propose",
    "approve",
    "return_proposal",
    "transfer",
    "suspend",
    "stop",
    "return",
    "complete",
)


@dataclass(frozen=True)
class Situation:
    """What the page needs besides the action names."""

    actions: frozenset[str]
    step: DossierStep | None
    proposal: DossierProposal | None
    is_last_step: bool


def dossier_situation(*, dossier: Dossier, user: AbstractBaseUser) -> Situation:
    from .approval import dossier_pending_proposal
    from .process import dossier_current_step, own_rights, step_is_last
    from .stopping import dossier_may_stop

    home = user_permissions(user=user, agency=dossier.agency)
    own_home = own_rights(user=user, agency=dossier.agency)
    step = dossier_current_step(dossier=dossier)
    at_step = own_rights(user=user, agency=step.agency) if step else frozenset()
    proposal = dossier_pending_proposal(dossier=dossier) if step else None
    actions: set[str] = set()
    receive = Permission.RECEIVE_DOSSIERS in home
    if dossier.status == S.NEW and receive:
        actions |= {"accept", "refuse", "supplement"}
    if dossier.status == S.DONE and receive:
        actions.add("return")
    running = dossier.status in (S.ACCEPTED, S.PROCESSING)
    if step is not None and running:
        is_assignee = step.assignee_id is not None and step.assignee_id == user.pk
        leader = Permission.APPROVE in at_step
        if proposal is None:
            if leader:
                actions |= {"assign", "transfer"}
            elif (
                Permission.RECEIVE_DOSSIERS in at_step
                and step.default_assignee_id
                and step.assignee_id is None
            ):
                actions.add("assign_rule")
            if is_assignee and dossier.status == S.PROCESSING:
                actions.add("propose")
            if is_assignee:
                actions.add("supplement")
        elif leader:
            actions |= {"approve", "return_proposal"}
    if running and (Permission.APPROVE in own_home or Permission.APPROVE in at_step):
        actions.add("suspend")
    # Stopping (form 05): a leader of the agency holding the dossier.
    if dossier_may_stop(dossier=dossier, user=user):
        actions.add("stop")
    # Asking for the fee is the payments app's form (its own endpoint, the same
    # right as its service): shown only to those who may send it.
    if running and Permission.PROCESS_DOSSIERS in home:
        actions.add("request_fee")
    return Situation(
        actions=frozenset(actions),
        step=step,
        proposal=proposal,
        is_last_step=step_is_last(step=step) if step else False,
    )
