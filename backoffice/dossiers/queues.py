"""Work queues (hàng đợi công việc): what each staff member has to do now.

Reception: dossiers to accept, steps to hand on by the procedure's rule, results
to hand back. Specialist: steps assigned to them. Leader: steps to assign,
proposals awaiting approval and every overdue dossier of their agencies (and the
subtree below where their role reaches down). Every read is scoped to the
agencies where the user holds the right in question.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.constants import Permission
from backoffice.core.selectors import agencies_visible_to
from backoffice.core.workcalendar import WorkingCalendar

from .constants import DossierStatus
from .deadlines import dossiers_overdue
from .models import Dossier, DossierProposal, DossierStep
from .process import own_agency_ids

SECTIONS = {
    "to_accept": _("Hồ sơ chờ tiếp nhận"),
    "to_assign": _("Hồ sơ chờ phân công"),
    "assigned": _("Hồ sơ được giao cho tôi"),
    "to_approve": _("Hồ sơ chờ lãnh đạo duyệt"),
    "overdue": _("Hồ sơ quá hạn"),
    "to_return": _("Kết quả chờ trả cho công dân"),
}

DUE_LABELS = {
    "ontime": _("Còn hạn"),
    "soon": _("Đến hạn trong 1 ngày làm việc"),
    "overdue": _("Quá hạn"),
}


@dataclass
class QueueFilter:
    status: int | None = None
    procedure_id: int | None = None
    dossier_ids: list[int] | None = None  # from the staff search, best first


@dataclass
class Queue:
    key: str
    label: str
    dossiers: list[Dossier] = field(default_factory=list)


def due_state(*, dossier: Dossier, now: dt.datetime | None = None) -> str:
    """ "overdue" past the due moment, "soon" within one working day of it,
    "ontime" otherwise (the row's colour class; the label says it in words)."""
    moment = now or timezone.now()
    if dossier.due_at < moment:
        return "overdue"
    if dossier.due_at <= WorkingCalendar(agency=dossier.agency).due_at(moment, 1):
        return "soon"
    return "ontime"


def _ids(user: AbstractBaseUser, permission: str) -> QuerySet:
    return agencies_visible_to(user=user, permission=permission).values("pk")


def _steps(**filters) -> QuerySet:
    return DossierStep.objects.filter(state=DossierStep.State.ACTIVE, **filters).values(
        "dossier_id"
    )


def _queries(user: AbstractBaseUser) -> dict[str, Q]:
    receive = own_agency_ids(user=user, permission=Permission.RECEIVE_DOSSIERS)
    approve = own_agency_ids(user=user, permission=Permission.APPROVE)
    # Overdue: the leader's agencies and, where the role reaches down, the subtree.
    watched = _ids(user, Permission.APPROVE)
    overdue = dossiers_overdue().filter(
        Q(agency__in=watched) | Q(pk__in=_steps(agency__in=watched))
    )
    return {
        "to_accept": Q(status=DossierStatus.NEW, agency__in=receive),
        "to_assign": Q(status__in=(DossierStatus.ACCEPTED, DossierStatus.PROCESSING))
        & (
            Q(pk__in=_steps(assignee__isnull=True, agency__in=approve))
            | Q(
                pk__in=_steps(
                    assignee__isnull=True,
                    default_assignee__isnull=False,
                    agency__in=receive,
                )
            )
        ),
        "assigned": Q(
            status__in=(DossierStatus.ACCEPTED, DossierStatus.PROCESSING),
            pk__in=_steps(assignee=user),
        ),
        "to_approve": Q(
            pk__in=DossierProposal.objects.filter(
                decision=DossierProposal.Decision.PENDING,
                step__state=DossierStep.State.ACTIVE,
                step__agency__in=approve,
            ).values("step__dossier_id")
        ),
        "overdue": Q(pk__in=overdue.values("pk")),
        "to_return": Q(status=DossierStatus.DONE, agency__in=receive),
    }


def staff_queues(
    *, user: AbstractBaseUser, filters: QueueFilter | None = None, limit: int = 200
) -> list[Queue]:
    """The user's queues, in working order, each filtered and capped at `limit`;
    queues the user's roles never fill are left out."""
    filters = filters or QueueFilter()
    if not user.is_authenticated:
        return []
    queues = []
    for key, condition in _queries(user).items():
        qs = Dossier.objects.filter(condition).select_related("procedure", "agency")
        if filters.status is not None:
            qs = qs.filter(status=filters.status)
        if filters.procedure_id is not None:
            qs = qs.filter(procedure_id=filters.procedure_id)
        if filters.dossier_ids is not None:
            found = qs.in_bulk(filters.dossier_ids)
            rows = [found[pk] for pk in filters.dossier_ids if pk in found][:limit]
        else:
            rows = list(qs.order_by("due_at", "pk")[:limit])
        queues.append(Queue(key=key, label=str(SECTIONS[key]), dossiers=rows))
    return [q for q in queues if q.dossiers or _fills(user, q.key)]


def _fills(user: AbstractBaseUser, key: str) -> bool:
    """Whether the user's roles make this queue theirs (shown even when empty)."""
    needs = {
        "to_accept": Permission.RECEIVE_DOSSIERS,
        "to_return": Permission.RECEIVE_DOSSIERS,
        "assigned": Permission.PROCESS_DOSSIERS,
        "to_assign": Permission.APPROVE,
        "to_approve": Permission.APPROVE,
        "overdue": Permission.APPROVE,
    }
    return bool(own_agency_ids(user=user, permission=needs[key]))


def step_rows(*, dossiers: list[Dossier]) -> dict[int, DossierStep]:
    """The active step of each dossier (holder agency and assignee for the rows)."""
    return {
        step.dossier_id: step
        for step in DossierStep.objects.filter(
            dossier__in=dossiers, state=DossierStep.State.ACTIVE
        ).select_related("agency", "assignee")
    }
