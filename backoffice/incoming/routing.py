"""Routing of registered documents: the leader assigns, specialists handle.

Leaders (APPROVE) write the instruction (ý kiến chỉ đạo), choose a lead specialist
and co-handlers and a deadline in working days; the lead or a co-handler marks the
document as being processed and done with its outcome. A beat task flags what is
overdue. Every step is audited and told to the channel on commit.
"""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record
from backoffice.core.workcalendar import due_at

from .checks import IncomingRejected
from .constants import IncomingEventKind, IncomingStatus
from .models import IncomingDocument
from .services import _facts, _require, event_record, step_record

MAX_HANDLING_DAYS = 365


def _handles(user: AbstractBaseUser, document: IncomingDocument) -> bool:
    return (
        document.lead_id == user.pk or document.co_handlers.filter(pk=user.pk).exists()
    )


@transaction.atomic
def incoming_assign(
    *,
    document: IncomingDocument,
    actor: AbstractBaseUser | None,
    lead: AbstractBaseUser,
    co_handlers: Sequence[AbstractBaseUser] = (),
    instruction: str = "",
    handling_days: int,
    now: dt.datetime | None = None,
) -> IncomingDocument:
    """Phân công: the leader's instruction, the lead and co-handlers (staff who
    process documents in the agency) and the due moment in working days."""
    _require(actor, document.agency, Permission.APPROVE)
    document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
    before = _facts(document)
    if not 0 < int(handling_days) <= MAX_HANDLING_DAYS:
        raise IncomingRejected(
            _("Thời hạn xử lý phải từ 1 đến %(max)s ngày làm việc.")
            % {"max": MAX_HANDLING_DAYS}
        )
    others = [user for user in co_handlers if user.pk != lead.pk]
    for person in [lead, *others]:
        if Permission.PROCESS_DOSSIERS not in user_permissions(
            user=person, agency=document.agency
        ):
            raise IncomingRejected(
                _("%(name)s không phải cán bộ xử lý của cơ quan.")
                % {"name": person.get_full_name() or person.get_username()}
            )
    document.transition_to(IncomingStatus.ASSIGNED)
    moment = now or timezone.now()
    document.instruction = " ".join(instruction.split())[:5000]
    document.lead = lead
    document.assigned_by = actor if actor and actor.is_authenticated else None
    document.assigned_at = moment
    document.handling_days = int(handling_days)
    document.due_at = due_at(
        start=moment, days=int(handling_days), agency=document.agency
    )
    document.overdue_since = None
    document.save()
    document.co_handlers.set(others)
    names = ", ".join(u.get_username() for u in [lead, *others])
    step_record(
        document=document,
        actor=actor,
        action="assigned",
        kind=IncomingEventKind.ASSIGNED,
        before=before,
        after={**_facts(document), "handlers": names, "due_at": str(document.due_at)},
        reason=document.instruction,
    )
    return document


def _handler_check(actor: AbstractBaseUser | None, document: IncomingDocument) -> None:
    if actor is None or _handles(actor, document):
        return
    if Permission.APPROVE in user_permissions(user=actor, agency=document.agency):
        return
    raise PermissionDenied(_("Văn bản này không được giao cho bạn."))


@transaction.atomic
def incoming_start(
    *, document: IncomingDocument, actor: AbstractBaseUser | None
) -> IncomingDocument:
    """The lead or a co-handler starts processing (đang xử lý)."""
    document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
    _handler_check(actor, document)
    before = _facts(document)
    document.transition_to(IncomingStatus.PROCESSING)
    document.save()
    step_record(
        document=document,
        actor=actor,
        action="processing",
        kind=IncomingEventKind.PROCESSING,
        before=before,
    )
    return document


@transaction.atomic
def incoming_done(
    *, document: IncomingDocument, actor: AbstractBaseUser | None, outcome: str
) -> IncomingDocument:
    """Hoàn thành: the outcome of the handling is recorded."""
    document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
    _handler_check(actor, document)
    outcome = outcome.strip()
    if not outcome:
        raise IncomingRejected(_("Vui lòng ghi kết quả xử lý."))
    before = _facts(document)
    document.transition_to(IncomingStatus.DONE)
    document.outcome = outcome[:5000]
    document.done_at = timezone.now()
    document.save()
    step_record(
        document=document,
        actor=actor,
        action="done",
        kind=IncomingEventKind.DONE,
        before=before,
        reason=document.outcome,
    )
    return document


def incoming_overdue_flag(*, now: dt.datetime | None = None) -> int:
    """Flag assigned documents past their due moment (once each); returns how many
    were newly flagged."""
    moment = now or timezone.now()
    flagged = 0
    late = IncomingDocument.objects.filter(
        status__in=[IncomingStatus.ASSIGNED, IncomingStatus.PROCESSING],
        due_at__lt=moment,
        overdue_since__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(late):
        with transaction.atomic():
            document = (
                IncomingDocument.objects.select_for_update()
                .filter(pk=pk, overdue_since__isnull=True)
                .first()
            )
            if document is None:
                continue
            document.overdue_since = moment
            document.save(update_fields=["overdue_since", "updated_at"])
            audit_record(
                actor=None,
                action="incomingdocument.overdue",
                obj=document,
                after={"due_at": str(document.due_at)},
                agency=document.agency,
            )
            event_record(document=document, kind=IncomingEventKind.OVERDUE)
            flagged += 1
    return flagged
