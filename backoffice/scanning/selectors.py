"""Counter reads, each scoped to the agencies where the user receives dossiers."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import agencies_visible_to, scope_to_user
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.models import Dossier
from backoffice.procedures.models import Procedure

from .constants import ReviewState
from .models import ScanBatch, ScanPage


def counter_agencies(*, user: AbstractBaseUser) -> QuerySet[Agency]:
    """Agencies where the user may register walk-in dossiers."""
    return agencies_visible_to(user=user, permission=Permission.RECEIVE_DOSSIERS)


def counter_procedures(*, agency: Agency) -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(is_active=True, agencies=agency)
        .select_related("field")
        .order_by("code")
    )


def counter_dossiers(*, user: AbstractBaseUser) -> QuerySet[Dossier]:
    """Dossiers the user may receive (and so scan) for."""
    return scope_to_user(
        Dossier.objects.select_related("procedure", "agency"),
        user=user,
        permission=Permission.RECEIVE_DOSSIERS,
    )


def counter_recent_dossiers(*, user: AbstractBaseUser) -> QuerySet[Dossier]:
    return counter_dossiers(user=user).filter(channel=Channel.COUNTER)


def scan_batches_for_staff(*, user: AbstractBaseUser) -> QuerySet[ScanBatch]:
    """Scan batches of the user's counters; a superuser also sees unassigned ones."""
    qs = ScanBatch.objects.select_related("agency", "dossier").annotate(
        pending=Count("pages", filter=Q(pages__review_state=ReviewState.PENDING))
    )
    if user.is_authenticated and user.is_superuser:
        return qs
    return scope_to_user(qs, user=user, permission=Permission.RECEIVE_DOSSIERS)


def review_pages_for_staff(*, user: AbstractBaseUser) -> QuerySet[ScanPage]:
    """Pages waiting for a person: before the first cover, unreadable, weak OCR."""
    batches = scan_batches_for_staff(user=user).values("id")
    return (
        ScanPage.objects.filter(review_state=ReviewState.PENDING, batch_id__in=batches)
        .select_related("batch")
        .order_by("batch_id", "index")
    )
