"""The applicant's rating of a returned dossier (1–5 and a comment, once).

Ratings feed the public statistics per agency and procedure; the summary below is
the one read those statistics and the reports use.
"""

import dataclasses
import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from backoffice.core.services import audit_record

from .constants import DossierStatus
from .models import Dossier, DossierRating

COMMENT_MAX = 2000


@transaction.atomic
def dossier_rate(
    *, dossier: Dossier, actor: AbstractBaseUser, score: int, comment: str = ""
) -> DossierRating:
    """Record the owner's rating of a dossier whose result was handed back.

    Refused — nothing stored — for someone else's dossier, a dossier not yet
    returned, a score outside 1–5, an over-long comment, or a second rating.
    """
    if dossier.owner_id is None or dossier.owner_id != actor.pk:
        raise PermissionDenied(_("Chỉ người nộp hồ sơ mới được đánh giá."))
    if dossier.status != DossierStatus.RESULT_RETURNED:
        raise ValidationError(
            _("Chỉ đánh giá được hồ sơ đã trả kết quả."), code="not_returned"
        )
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError(_("Mức hài lòng phải từ 1 đến 5."), code="score_range")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            _("Góp ý dài quá %(max)s ký tự.") % {"max": COMMENT_MAX},
            code="comment_length",
        )
    # Lock the dossier so two submissions of the form cannot both pass the check.
    Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if DossierRating.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("Hồ sơ này đã được đánh giá."), code="already_rated")
    try:
        with transaction.atomic():
            rating = DossierRating.objects.create(
                dossier=dossier, score=score, comment=comment
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Hồ sơ này đã được đánh giá."), code="already_rated"
        ) from exc
    audit_record(
        actor=actor,
        action="dossier.rate",
        obj=dossier,
        after={"score": score},
        agency=dossier.agency,
    )
    return rating


@dataclasses.dataclass(frozen=True)
class RatingSummary:
    agency_id: int
    procedure_id: int
    count: int
    average: float


def rating_summary(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    agency_ids: list[int] | None = None,
) -> list[RatingSummary]:
    """Count and average score per (agency, procedure), rated in [since, until)."""
    qs = DossierRating.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    if agency_ids is not None:
        qs = qs.filter(dossier__agency_id__in=agency_ids)
    rows = (
        qs.values("dossier__agency_id", "dossier__procedure_id")
        .annotate(n=Count("id"), avg=Avg("score"))
        .order_by("dossier__agency_id", "dossier__procedure_id")
    )
    return [
        RatingSummary(
            agency_id=r["dossier__agency_id"],
            procedure_id=r["dossier__procedure_id"],
            count=r["n"],
            average=round(float(r["avg"]), 2),
        )
        for r in rows
    ]
