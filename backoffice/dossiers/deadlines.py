"""Deadlines: extension with form 04, the overdue rule and its daily notice.

`dossiers_overdue` is the one rule: the beat task (`flag_overdue_dossiers`) and
`manage.py dossier_overdue` both read it.
"""

import datetime as dt
import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission, Role
from backoffice.core.models import Membership
from backoffice.core.services import audit_record, notify_by_email
from backoffice.core.workcalendar import WorkingCalendar

from .constants import DossierStatus
from .models import (
    Dossier,
    DossierFile,
    DossierOverdueNotice,
    DossierStatusEvent,
    DossierStep,
    DossierSuspension,
)
from .notify import StatusChanged, dossier_notify
from .process import dossier_agency_now, own_rights

logger = logging.getLogger(__name__)

# Statuses in which the agency's clock runs: a dossier in them past its due
# moment is overdue (supplement and fee waits stop the clock; done is done).
RUNNING = (DossierStatus.ACCEPTED, DossierStatus.PROCESSING)


def dossiers_overdue(*, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    """Dossiers whose clock runs and whose due moment has passed, oldest first."""
    moment = now or timezone.now()
    return (
        Dossier.objects.filter(status__in=RUNNING, due_at__lt=moment)
        .select_related("agency", "procedure")
        .order_by("due_at", "pk")
    )


def overdue_rows(*, now: dt.datetime | None = None) -> list[dict[str, str | None]]:
    """The contract rows of `dossier_overdue --json`: code, agency, due_at,
    assignee (username of the active step's assignee, or null)."""
    overdue = list(dossiers_overdue(now=now))
    active = {
        step.dossier_id: step
        for step in DossierStep.objects.filter(
            dossier__in=overdue, state=DossierStep.State.ACTIVE
        ).select_related("agency", "assignee")
    }
    rows = []
    for dossier in overdue:
        step = active.get(dossier.pk)
        holder = step.agency if step is not None else dossier.agency
        assignee = step.assignee if step is not None else None
        rows.append(
            {
                "code": dossier.code,
                "agency": holder.code,
                "due_at": timezone.localtime(dossier.due_at).isoformat(),
                "assignee": assignee.get_username() if assignee else None,
            }
        )
    return rows


def _recipients(dossier: Dossier) -> list[str]:
    step = (
        DossierStep.objects.filter(dossier=dossier, state=DossierStep.State.ACTIVE)
        .select_related("assignee")
        .first()
    )
    holder = dossier_agency_now(dossier=dossier)
    addresses = []
    if step is not None and step.assignee is not None and step.assignee.email:
        addresses.append(step.assignee.email)
    addresses += [
        m.user.email
        for m in Membership.objects.filter(
            agency=holder, role=Role.LEADER, user__is_active=True
        ).select_related("user")
        if m.user.email
    ]
    return sorted(set(addresses))


def dossiers_overdue_notify(*, now: dt.datetime | None = None) -> int:
    """Flag every overdue dossier once per (Vietnam) day and e-mail its assignee
    and the leaders of the agency holding it. Returns how many were flagged now.

    Side effects: one DossierOverdueNotice per dossier and day, e-mails queued
    on commit. Running twice the same day flags nothing more.
    """
    moment = now or timezone.now()
    day = timezone.localtime(moment).date()
    flagged = 0
    for dossier in dossiers_overdue(now=moment):
        if DossierOverdueNotice.objects.filter(dossier=dossier, day=day).exists():
            continue
        recipients = _recipients(dossier)
        try:
            with transaction.atomic():
                DossierOverdueNotice.objects.create(
                    dossier=dossier,
                    day=day,
                    due_at=dossier.due_at,
                    recipients=recipients,
                    at=moment,
                )
                notify_by_email(
                    to=recipients,
                    subject=_("[Một Cửa] Hồ sơ %(code)s đã quá hạn giải quyết")
                    % {"code": dossier.code},
                    body=_(
                        "Hồ sơ %(code)s (%(procedure)s) hẹn trả kết quả lúc "
                        "%(due)s và đã quá hạn. Đề nghị xử lý ngay hoặc lập phiếu "
                        "xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)."
                    )
                    % {
                        "code": dossier.code,
                        "procedure": dossier.procedure.name,
                        "due": timezone.localtime(dossier.due_at).strftime(
                            "%H:%M %d/%m/%Y"
                        ),
                    },
                )
        except IntegrityError:
            continue  # another run flagged it the same day
        flagged += 1
    return flagged


def _working_days_until(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    count, day = 0, start
    while day < end:
        day = calendar.next_working_day(day)
        count += 1
    return count


def dossier_suspend(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    reason: str,
    new_date: dt.date | None,
    now: dt.datetime | None = None,
) -> DossierSuspension:
    """Form 04: apologise and set a new appointment on a later working day.

    The due moment moves by the working days between the old and the new date
    (core.workcalendar). A leader of the agency holding the dossier (or of the
    receiving agency) signs it. Side effects: form 04 signed and stored, status
    history note, applicant e-mail, audit record.
    """
    from backoffice.signatures.official import issued_pdf_sign

    from .handling import store_form
    from .pdf_forms_processing import apology_pdf

    moment = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        holder = dossier_agency_now(dossier=locked)
        if Permission.APPROVE not in own_rights(
            user=actor, agency=holder
        ) and Permission.APPROVE not in own_rights(user=actor, agency=locked.agency):
            raise PermissionDenied(
                _("Bạn không có quyền thực hiện thao tác này với hồ sơ.")
            )
        if locked.status not in RUNNING:
            raise ValidationError(
                {"status": _("Chỉ gia hạn được hồ sơ đang giải quyết.")}
            )
        if not reason:
            raise ValidationError(
                {"reason": _("Hãy ghi rõ lý do xin lỗi và hẹn lại ngày trả kết quả.")}
            )
        calendar = WorkingCalendar(agency=locked.agency)
        old_due = calendar.to_local(locked.due_at)
        today = calendar.to_local(moment).date()
        if new_date is None or new_date < today:
            raise ValidationError(
                {"new_date": _("Ngày hẹn mới không được ở trong quá khứ.")}
            )
        if new_date <= old_due.date():
            raise ValidationError(
                {
                    "new_date": _("Ngày hẹn mới phải sau ngày hẹn hiện tại %(due)s.")
                    % {"due": old_due.strftime("%d/%m/%Y")}
                }
            )
        if not calendar.is_working_day(new_date):
            raise ValidationError(
                {"new_date": _("Ngày hẹn mới phải là ngày làm việc.")}
            )
        days = _working_days_until(calendar, old_due.date(), new_date)
        new_due = calendar.due_at(locked.due_at, days)
        suspension = DossierSuspension.objects.create(
            dossier=locked,
            reason=reason,
            working_days=days,
            due_before=locked.due_at,
            due_after=new_due,
            by=actor,
            at=moment,
        )
        locked.due_at = new_due
        locked.save(update_fields=["due_at", "updated_at"])
        note = _("Xin lỗi và hẹn lại ngày trả kết quả: %(due)s. Lý do: %(reason)s") % {
            "due": calendar.to_local(new_due).strftime("%H:%M %d/%m/%Y"),
            "reason": reason,
        }
        event = DossierStatusEvent.objects.create(
            dossier=locked,
            status=locked.status,
            at=moment,
            actor=actor,
            note=note,
            due_at=new_due,
        )
        store_form(
            locked,
            f"mau-04-xin-loi-hen-lai-{locked.code}-{suspension.pk}.pdf",
            issued_pdf_sign(
                pdf_bytes=apology_pdf(
                    dossier=locked,
                    reason=reason,
                    old_due=suspension.due_before,
                    leader=actor.get_full_name(),
                ),
                agency=holder,
                reason=_("Xin lỗi và hẹn lại ngày trả kết quả hồ sơ %(code)s")
                % {"code": locked.code},
            ),
            actor,
        )
        dossier_notify(event=StatusChanged(event.pk))
        audit_record(
            actor=actor,
            action="dossier.extended",
            obj=locked,
            before={"due_at": suspension.due_before.isoformat()},
            after={"due_at": new_due.isoformat(), "working_days": days},
            agency=holder,
            note=reason,
        )
    dossier.refresh_from_db()
    return suspension


def dossier_forms(*, dossier: Dossier) -> QuerySet[DossierFile]:
    return dossier.files.filter(kind=DossierFile.Kind.FORM)
