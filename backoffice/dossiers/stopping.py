"""Dừng xử lý hồ sơ: a leader stops the processing of a dossier (status 8) with
form 05 (thông báo về việc dừng xử lý hồ sơ, Circular 03/2025).

Used when processing cannot go on: the applicant did not supplement in time, asked
to stop, or the case fell away. Only a leader of the agency holding the dossier
(Permission.APPROVE in that very agency, as for approval) may do it, and only while
it is being processed or waits for the applicant.
"""

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.services import audit_record
from backoffice.core.text import nfc

from .constants import DossierStatus
from .models import Dossier, DossierFile
from .process import dossier_agency_now, dossier_steps_close, own_rights
from .services import dossier_file_store, dossier_transition, stored_files_discard
from .signing import signed_with_verdict

S = DossierStatus

# Being processed, or waiting for the applicant (supplement, fee).
STOPPABLE = frozenset(
    {S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_FEE}
)
REASON_MAX = 1000
FORM_05_PREFIX = "mau-05-dung-xu-ly"


def dossier_may_stop(*, dossier: Dossier, user: AbstractBaseUser) -> bool:
    """Whether the user may stop the dossier now (the page's rule)."""
    if dossier.status not in STOPPABLE:
        return False
    holder = dossier_agency_now(dossier=dossier)
    return Permission.APPROVE in own_rights(user=user, agency=holder)


def dossier_stop(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    reason: str,
    now: dt.datetime | None = None,
) -> DossierFile:
    """Stop processing the dossier (→ 8) and issue form 05, signed with the
    certificate of the agency holding it.

    Refused, with nothing changed, for anyone but a leader of that agency
    (PermissionDenied), a dossier not being processed or waiting, or an empty or
    over-long reason (ValidationError). Side effects: status event, open steps
    closed, form 05 stored (kind "form"), audit record, the applicant notified
    with the form attached (on commit). Returns the stored form.
    """
    from .pdf_forms_processing import stop_notice_pdf

    moment = now or timezone.now()
    reason = nfc((reason or "").strip())
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            holder = dossier_agency_now(dossier=locked)
            if Permission.APPROVE not in own_rights(user=actor, agency=holder):
                raise PermissionDenied(
                    _("Bạn không có quyền thực hiện thao tác này với hồ sơ.")
                )
            if locked.status not in STOPPABLE:
                raise ValidationError(
                    {
                        "status": _(
                            "Hồ sơ đang ở tình trạng “%(status)s”: chỉ dừng xử lý "
                            "được hồ sơ đang giải quyết hoặc đang chờ người nộp."
                        )
                        % {"status": locked.get_status_display()}
                    },
                    code="not_stoppable",
                )
            if not reason:
                raise ValidationError(
                    {"reason": _("Hãy ghi rõ lý do dừng xử lý hồ sơ.")},
                    code="no_reason",
                )
            if len(reason) > REASON_MAX:
                raise ValidationError(
                    {"reason": _("Lý do dài quá %(max)s ký tự.") % {"max": REASON_MAX}},
                    code="reason_length",
                )
            before = locked.status
            dossier_steps_close(dossier=locked, now=moment)
            stopped = dossier_transition(
                dossier=locked, to=S.STOPPED, actor=actor, note=reason, now=moment
            )
            leader = actor.get_full_name() or actor.get_username()
            content, verdict = signed_with_verdict(
                stop_notice_pdf(
                    dossier=stopped,
                    reason=reason,
                    leader=leader,
                    agency=holder,
                    at=moment,
                ),
                agency=holder,
                reason=_("Thông báo dừng xử lý hồ sơ %(code)s")
                % {"code": stopped.code},
            )
            form = dossier_file_store(
                dossier=stopped,
                name=f"{FORM_05_PREFIX}-{stopped.code}.pdf",
                content=content,
                media_type="application/pdf",
                stored=stored,
                kind=DossierFile.Kind.FORM,
                pages=1,
                uploaded_by=actor,
                verdict=verdict,
            )
            audit_record(
                actor=actor,
                action="dossier.stopped",
                obj=stopped,
                before={"status": before},
                after={
                    "status": S.STOPPED,
                    "form": form.sha256,
                    "verdict": verdict,
                },
                agency=holder,
                note=reason,
            )
    except BaseException:
        stored_files_discard(stored)
        raise
    dossier.refresh_from_db()
    return form
