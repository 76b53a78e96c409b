"""Chuyển liên thông: handing a dossier to another agency, of this installation
or (through the registered `remote_transfer` channel) of another one.

A leader of the agency holding the dossier sends it, with its files, to another
agency that handles the procedure for a number of working days. That agency's
staff assign, process and approve their step like any other; approving it hands
the dossier back to the sender, whose step continues with the same assignee.
"""

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.services import audit_record

from .models import Dossier, DossierProposal, DossierStep
from .process import dossier_current_step, require, step_activate
from .remote_transfer import (
    remote_transfer_channel,
    remote_transfer_start,
    remote_transfer_targets,
)


def dossier_transfer(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    to_agency: Agency,
    days: int,
    note: str = "",
    now: dt.datetime | None = None,
) -> DossierStep:
    """Send the dossier to `to_agency` for `days` working days and back.

    The current step pauses: a transfer step in the other agency and a return
    step (the same work, the same assignee) are inserted after it. Refused, with
    nothing changed, for an agency that does not handle the procedure, the
    holding agency itself, or a proposal awaiting its leader. Side effects:
    status history note, audit records.
    """
    moment = now or timezone.now()
    note = note.strip()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        step = dossier_current_step(dossier=locked)
        if step is None:
            raise ValidationError(
                {"agency": _("Hồ sơ không ở giai đoạn xử lý; không thể chuyển.")}
            )
        require(actor, step.agency, Permission.APPROVE)
        channel = remote_transfer_channel()
        remote = channel is not None and channel.reaches(to_agency)
        handling = {a.pk for a in locked.procedure.agencies.all()}
        if remote:
            # Whether the other installation handles the procedure is its
            # call: it refuses (status 02) and the dossier comes back.
            reason = channel.unavailable_reason(to_agency)
            if reason:
                raise ValidationError({"agency": reason})
        elif to_agency.pk not in handling:
            raise ValidationError(
                {
                    "agency": _(
                        "%(agency)s không thực hiện thủ tục %(procedure)s; không "
                        "thể chuyển hồ sơ đến cơ quan này."
                    )
                    % {"agency": to_agency.name, "procedure": locked.procedure.code}
                }
            )
        if to_agency.pk == step.agency_id:
            raise ValidationError({"agency": _("Hồ sơ đang ở chính cơ quan này.")})
        if not 1 <= days <= 365:
            raise ValidationError(
                {"days": _("Số ngày làm việc của bước chuyển phải từ 1 đến 365.")}
            )
        if step.proposals.filter(decision=DossierProposal.Decision.PENDING).exists():
            raise ValidationError(
                {"agency": _("Đề xuất của bước này đang chờ lãnh đạo duyệt.")}
            )
        # Room for two steps after the current one.
        for later in locked.steps.filter(position__gt=step.position).order_by(
            "-position"
        ):
            later.position = F("position") + 2
            later.save(update_fields=["position"])
        transfer = DossierStep.objects.create(
            dossier=locked,
            position=step.position + 1,
            name=_("Chuyển liên thông đến %(agency)s") % {"agency": to_agency.name},
            agency=to_agency,
            role=step.role,
            days=days,
            kind=DossierStep.Kind.TRANSFER,
            note=note,
        )
        DossierStep.objects.create(
            dossier=locked,
            position=step.position + 2,
            name=step.name,
            agency=step.agency,
            role=step.role,
            days=0,
            kind=DossierStep.Kind.RETURN,
            assignee=step.assignee,
            assigned_at=step.assigned_at,
            default_assignee=step.default_assignee,
        )
        step.state = DossierStep.State.DONE
        step.finished_at = moment
        step.note = note
        step.save(update_fields=["state", "finished_at", "note"])
        audit_record(
            actor=actor,
            action="dossier.transferred",
            obj=locked,
            before={"agency": step.agency.code},
            after={"agency": to_agency.code, "days": days},
            agency=step.agency,
            note=note,
        )
        step_activate(step=transfer, actor=actor, now=moment)
        if remote:
            remote_transfer_start(
                channel=channel, step=transfer, actor=actor, note=note
            )
    dossier.refresh_from_db()
    return transfer


def transfer_targets(*, dossier: Dossier, holder: Agency) -> list[Agency]:
    """The agencies a dossier may be sent to: those of this installation
    handling its procedure, then those of other installations reachable now
    (each with `remote_system`, the name of its installation)."""
    remote = remote_transfer_targets()
    remote_ids = {a.pk for a in remote}
    local = [
        a
        for a in dossier.procedure.agencies.all()
        if a.pk != holder.pk and a.pk not in remote_ids
    ]
    for agency in local:
        agency.remote_system = ""
    remote.sort(key=lambda a: (a.remote_system, a.name))
    return local + [a for a in remote if a.pk != holder.pk]
