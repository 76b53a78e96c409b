"""Processing steps (quy trình xử lý): a dossier walks its procedure's steps.

When a dossier is accepted its steps are laid out from the procedure's process
(or one default step in the receiving agency) and the first one starts. A step
ends when its leader approves the assignee's proposal; the next step then
starts, in whichever agency of the installation it belongs to (inter-agency
"liên thông" processing).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.selectors import user_memberships, user_permissions
from backoffice.core.services import audit_record
from backoffice.core.workcalendar import WorkingCalendar
from backoffice.procedures.models import Procedure

from .models import Dossier, DossierStatusEvent, DossierStep, ProcessStep, StepRole


@dataclass(frozen=True)
class PlannedStep:
    name: str
    agency: Agency | None  # None: the receiving agency
    role: str
    days: int
    default_assignee_id: int | None = None


def own_rights(*, user: AbstractBaseUser, agency: Agency) -> frozenset[str]:
    """The rights of the user's roles in this very agency: a step is worked,
    assigned and approved by its own agency's staff, not by leaders above it
    (whose VIEW_SUBTREE lets them watch, see `queues`)."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return user_permissions(user=user, agency=agency)
    granted: set[str] = set()
    for membership in user_memberships(user=user).filter(agency=agency):
        granted |= membership.permissions
    return frozenset(granted)


def own_agency_ids(*, user: AbstractBaseUser, permission: str) -> set[int]:
    """The agencies where one of the user's own roles grants the right."""
    if user.is_superuser:
        return set(Agency.objects.values_list("pk", flat=True))
    return {
        m.agency_id for m in user_memberships(user=user) if permission in m.permissions
    }


def require(actor: AbstractBaseUser, agency: Agency, permission: str) -> None:
    """PermissionDenied unless one of the actor's roles in that very agency
    grants the right."""
    if permission not in own_rights(user=actor, agency=agency):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này với hồ sơ.")
        )


def procedure_steps_check(
    *, procedure: Procedure, steps: Iterable[PlannedStep]
) -> None:
    """Raise ValidationError unless the steps fit the procedure: working days
    adding up to its processing time, each agency one that handles it."""
    steps = list(steps)
    if not steps:
        return
    total = sum(step.days for step in steps)
    errors: list[str] = []
    if total != procedure.processing_days:
        errors.append(
            _(
                "Tổng số ngày làm việc của các bước (%(total)s) phải bằng thời hạn "
                "giải quyết của thủ tục (%(days)s ngày làm việc)."
            )
            % {"total": total, "days": procedure.processing_days}
        )
    handling = {a.pk for a in procedure.agencies.all()}
    for step in steps:
        if step.agency is not None and step.agency.pk not in handling:
            errors.append(
                _("%(agency)s không thực hiện thủ tục %(procedure)s.")
                % {"agency": step.agency.name, "procedure": procedure.code}
            )
    if errors:
        raise ValidationError(errors)


def process_plan(*, procedure: Procedure) -> list[PlannedStep]:
    """The procedure's configured steps, or one default step in the receiving
    agency taking the whole processing time."""
    configured = [
        PlannedStep(
            name=step.name,
            agency=step.agency,
            role=step.role,
            days=step.days,
            default_assignee_id=step.default_assignee_id,
        )
        for step in ProcessStep.objects.filter(procedure=procedure)
        .select_related("agency")
        .order_by("sort_order", "pk")
    ]
    if configured:
        return configured
    return [
        PlannedStep(
            name=_("Thẩm định, giải quyết hồ sơ"),
            agency=None,
            role=StepRole.SPECIALIST,
            days=procedure.processing_days,
        )
    ]


def step_due(*, step: DossierStep, start: dt.datetime) -> dt.datetime:
    """When a step started at `start` is due, in its agency's working days; a step
    of no days (taking the dossier back) is due with the dossier."""
    if step.days <= 0:
        return step.dossier.due_at
    return WorkingCalendar(agency=step.agency).due_at(start, step.days)


def step_activate(
    *, step: DossierStep, actor: AbstractBaseUser | None, now: dt.datetime
) -> DossierStep:
    """Start a step; when it moves the dossier to another agency, record the
    hand-over (status history note and audit)."""
    previous = (
        DossierStep.objects.filter(dossier=step.dossier, position__lt=step.position)
        .order_by("-position")
        .first()
    )
    holder = previous.agency if previous is not None else step.dossier.agency
    step.state = DossierStep.State.ACTIVE
    step.started_at = now
    step.due_at = step_due(step=step, start=now)
    step.save()
    if holder.pk != step.agency_id:
        note = _("Chuyển hồ sơ từ %(source)s đến %(target)s.") % {
            "source": holder.name,
            "target": step.agency.name,
        }
        DossierStatusEvent.objects.create(
            dossier=step.dossier,
            status=step.dossier.status,
            at=now,
            actor=actor,
            note=note,
            due_at=step.dossier.due_at,
        )
        audit_record(
            actor=actor,
            action="dossier.handed_over",
            obj=step.dossier,
            before={"agency": holder.code},
            after={"agency": step.agency.code, "step": step.position},
            agency=step.agency,
            note=note,
        )
    return step


def dossier_process_start(
    *, dossier: Dossier, actor: AbstractBaseUser | None, now: dt.datetime | None = None
) -> list[DossierStep]:
    """Lay out the dossier's steps from its procedure and start the first one.

    Idempotent: a dossier that already has steps keeps them.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        existing = list(locked.steps.order_by("position"))
        if existing:
            return existing
        steps = [
            DossierStep.objects.create(
                dossier=locked,
                position=index,
                name=planned.name,
                agency=planned.agency or locked.agency,
                role=planned.role,
                days=planned.days,
                default_assignee_id=planned.default_assignee_id,
            )
            for index, planned in enumerate(
                process_plan(procedure=locked.procedure), start=1
            )
        ]
        step_activate(step=steps[0], actor=actor, now=moment)
        audit_record(
            actor=actor,
            action="dossier.process_started",
            obj=locked,
            after={"steps": [[s.agency.code, s.role, s.days] for s in steps]},
            agency=locked.agency,
        )
    return steps


def dossier_current_step(*, dossier: Dossier) -> DossierStep | None:
    """The active step (None before acceptance and after the last step)."""
    return (
        DossierStep.objects.filter(dossier=dossier, state=DossierStep.State.ACTIVE)
        .select_related("agency", "assignee")
        .first()
    )


def step_advance(
    *, step: DossierStep, actor: AbstractBaseUser | None, now: dt.datetime
) -> DossierStep | None:
    """Finish the step and start the next one; None when it was the last."""
    step.state = DossierStep.State.DONE
    step.finished_at = now
    step.save(update_fields=["state", "finished_at"])
    following = (
        DossierStep.objects.filter(
            dossier=step.dossier,
            position__gt=step.position,
            state=DossierStep.State.WAITING,
        )
        .order_by("position")
        .first()
    )
    if following is None:
        return None
    return step_activate(step=following, actor=actor, now=now)


def step_is_last(*, step: DossierStep) -> bool:
    return not DossierStep.objects.filter(
        dossier_id=step.dossier_id,
        position__gt=step.position,
        state=DossierStep.State.WAITING,
    ).exists()


def dossier_steps_close(*, dossier: Dossier, now: dt.datetime) -> None:
    """Close whatever steps are open (the dossier was decided another way).
    A dossier received from another installation sends its result back."""
    from .remote_transfer import remote_origin_closing

    remote_origin_closing(dossier=dossier)
    DossierStep.objects.filter(
        dossier=dossier,
        state__in=[DossierStep.State.ACTIVE, DossierStep.State.WAITING],
    ).update(state=DossierStep.State.DONE, finished_at=now)


def dossier_agency_now(*, dossier: Dossier) -> Agency:
    """The agency holding the dossier now: that of the active step, else the
    receiving agency (at intake, and once the result is back at its desk)."""
    step = (
        DossierStep.objects.filter(dossier=dossier, state=DossierStep.State.ACTIVE)
        .select_related("agency")
        .first()
    )
    return step.agency if step is not None else dossier.agency
