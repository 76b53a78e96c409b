"""The applicant withdraws a submitted dossier (status 7) before processing starts."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.core.services import audit_record
from backoffice.core.text import nfc

from .constants import DossierStatus
from .models import Dossier
from .services import dossier_transition

# Before processing starts: received, or accepted and not yet taken up.
WITHDRAWABLE = frozenset({DossierStatus.NEW, DossierStatus.ACCEPTED})
REASON_MAX = 1000


def dossier_withdrawable(*, dossier: Dossier) -> bool:
    return dossier.status in WITHDRAWABLE


@transaction.atomic
def dossier_withdraw(
    *, dossier: Dossier, actor: AbstractBaseUser, reason: str
) -> Dossier:
    """The owner withdraws their dossier with a reason (status 1 or 2 → 7).

    The dossier row is locked first, so a staff action that starts processing at
    the same moment and this withdrawal cannot both win: whichever comes second sees
    the other's status. Refused — nothing changed — for someone else's dossier, an
    empty or over-long reason, or a dossier whose processing has started.
    Side effects: status event, audit records, e-mail to the applicant (on commit).
    """
    reason = nfc((reason or "").strip())
    if not reason:
        raise ValidationError(
            {"reason": _("Hãy ghi rõ lý do rút hồ sơ.")}, code="no_reason"
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Lý do dài quá %(max)s ký tự.") % {"max": REASON_MAX}},
            code="reason_length",
        )
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.owner_id is None or locked.owner_id != actor.pk:
        raise PermissionDenied(_("Chỉ người nộp hồ sơ mới rút được hồ sơ."))
    if locked.status not in WITHDRAWABLE:
        raise ValidationError(
            _(
                "Hồ sơ đang ở tình trạng “%(status)s”: chỉ rút được hồ sơ chưa "
                "bắt đầu xử lý."
            )
            % {"status": locked.get_status_display()},
            code="processing_started",
        )
    before = locked.status
    dossier = dossier_transition(
        dossier=dossier,
        to=DossierStatus.WITHDRAWN,
        actor=actor,
        # Stored history, in the site's language like every status note.
        note=f"Lý do rút hồ sơ: {reason}",
    )
    audit_record(
        actor=actor,
        action="dossier.withdrawn",
        obj=dossier,
        before={"status": before},
        after={"status": DossierStatus.WITHDRAWN, "reason": reason},
        agency=dossier.agency,
        note=reason,
    )
    return dossier
