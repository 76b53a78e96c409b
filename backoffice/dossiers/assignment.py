"""Phân công: who works the dossier's current step.

A leader of the step's agency assigns (or reassigns, with a reason) one of its
specialists; the reception desk may only apply the procedure's "assign to" rule.
Only the assignee then acts on the step. Every assignment is audited.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission, Role
from backoffice.core.services import audit_record

from .constants import DossierStatus
from .models import Dossier, DossierStep, StepRole
from .process import dossier_current_step, own_rights
from .remote_transfer import remote_step_assigned
from .services import dossier_transition


def step_candidates(*, step: DossierStep) -> QuerySet:
    """Staff of the step's own agency who may be given it (its role)."""
    roles = (
        [Role.LEADER]
        if step.role == StepRole.LEADER
        else [Role.SPECIALIST, Role.LEADER]
    )
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__agency=step.agency,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _active_step(dossier: Dossier) -> DossierStep:
    step = dossier_current_step(dossier=dossier)
    if step is None:
        raise ValidationError({"step": _("Hồ sơ không ở bước xử lý nào để phân công.")})
    return step


def dossier_assign(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    assignee: AbstractBaseUser,
    reason: str = "",
    now: dt.datetime | None = None,
) -> DossierStep:
    """Give the current step to `assignee` (a leader of the step's agency does
    this; reassigning needs a reason). Side effects: the dossier moves to
    "processing" if it was only accepted; audit record."""
    moment = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        Dossier.objects.select_for_update().get(pk=dossier.pk)
        step = _active_step(dossier)
        rights = own_rights(user=actor, agency=step.agency)
        by_rule = (
            Permission.RECEIVE_DOSSIERS in rights
            and step.default_assignee_id is not None
            and step.default_assignee_id == assignee.pk
            and step.assignee_id is None
        )
        if Permission.APPROVE not in rights and not by_rule:
            raise PermissionDenied(
                _("Chỉ lãnh đạo của %(agency)s được phân công hồ sơ ở bước này.")
                % {"agency": step.agency.name}
            )
        if not step_candidates(step=step).filter(pk=assignee.pk).exists():
            raise ValidationError(
                {
                    "assignee": _("%(name)s không phải cán bộ xử lý của %(agency)s.")
                    % {
                        "name": assignee.get_full_name() or assignee.get_username(),
                        "agency": step.agency.name,
                    }
                }
            )
        previous = step.assignee
        if previous is not None and previous.pk == assignee.pk:
            raise ValidationError({"assignee": _("Hồ sơ đã được giao cho cán bộ này.")})
        if previous is not None and not reason:
            raise ValidationError(
                {"reason": _("Hãy ghi rõ lý do giao lại hồ sơ cho cán bộ khác.")}
            )
        if step.proposals.filter(decision="pending").exists():
            raise ValidationError(
                {"assignee": _("Đề xuất của bước này đang chờ lãnh đạo duyệt.")}
            )
        step.assignee, step.assigned_at = assignee, moment
        step.save(update_fields=["assignee", "assigned_at"])
        if step.kind == DossierStep.Kind.TRANSFER:
            # A dossier received from another installation: "processing" goes
            # back to its origin.
            remote_step_assigned(step=step)
        audit_record(
            actor=actor,
            action="dossier.reassigned" if previous else "dossier.assigned",
            obj=dossier,
            before={"assignee": previous.get_username() if previous else None},
            after={"assignee": assignee.get_username(), "step": step.position},
            agency=step.agency,
            note=reason,
        )
        if dossier.status == DossierStatus.ACCEPTED:
            dossier_transition(
                dossier=dossier,
                to=DossierStatus.PROCESSING,
                actor=actor,
                now=moment,
            )
    dossier.refresh_from_db()
    return step


def dossier_assign_by_rule(*, dossier: Dossier, actor: AbstractBaseUser) -> DossierStep:
    """The reception desk hands the step to the procedure's default assignee."""
    step = _active_step(dossier)
    if step.default_assignee is None:
        raise ValidationError(
            {"assignee": _("Thủ tục này không có quy tắc giao mặc định.")}
        )
    return dossier_assign(dossier=dossier, actor=actor, assignee=step.default_assignee)


def step_require_assignee(*, step: DossierStep, actor: AbstractBaseUser) -> None:
    """PermissionDenied unless the actor is the step's assignee."""
    if step.assignee_id is None or step.assignee_id != actor.pk:
        raise PermissionDenied(_("Hồ sơ này không được giao cho bạn ở bước hiện tại."))
