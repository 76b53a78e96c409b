"""Dossier reads, each scoped to who is asking."""

import hmac

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet

from backoffice.core.constants import Permission

from .models import Dossier, DossierStatusEvent


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("procedure", "agency")


def dossier_public_lookup(*, code: str, secret: str) -> Dossier | None:
    """The dossier for a code + receipt secret; None for either being wrong.

    Both cases look the same to the caller, and the secret is compared in constant
    time, so the answer reveals nothing about which codes exist.
    """
    dossier = _base().filter(code=code.strip()).first()
    expected = dossier.lookup_secret if dossier else "x" * 10
    # Bytes: compare_digest refuses non-ASCII str, and anything may be typed.
    matches = hmac.compare_digest(
        expected.upper().encode(), (secret or "").strip().upper().encode()
    )
    return dossier if dossier is not None and matches else None


def dossier_history(*, dossier: Dossier) -> QuerySet[DossierStatusEvent]:
    return dossier.events.order_by("at", "id")


def dossiers_of_citizen(*, user: AbstractBaseUser) -> QuerySet[Dossier]:
    if not user.is_authenticated:
        return Dossier.objects.none()
    return _base().filter(owner=user)


def dossier_of_citizen(*, user: AbstractBaseUser, code: str) -> Dossier | None:
    return dossiers_of_citizen(user=user).filter(code=code).first()


def dossiers_for_staff(
    *, user: AbstractBaseUser, status: int | None = None
) -> QuerySet[Dossier]:
    """Dossiers of the agencies where the user may view dossiers, and those
    handed to one of them for a processing step (inter-agency processing)."""
    from backoffice.core.selectors import agencies_visible_to

    from .models import DossierStep

    visible = agencies_visible_to(user=user, permission=Permission.VIEW_DOSSIERS)
    qs = _base().filter(
        Q(agency__in=visible)
        | Q(
            pk__in=DossierStep.objects.filter(
                agency__in=visible, state__in=["active", "done"]
            ).values("dossier_id")
        )
    )
    if status is not None:
        qs = qs.filter(status=status)
    return qs


def dossiers_search_for_staff(
    *, user: AbstractBaseUser, text: str, limit: int = 100
) -> list[Dossier]:
    """Full-text search (code, applicant, ID number, procedure, OCR text of scans)
    over the dossiers of the agencies the user may view, best match first.

    The index query is filtered to those agencies and the hits are re-read through
    the scoped queryset, so a stale index entry can never show a foreign dossier.
    Raises search.SearchError for a query the engine refuses.
    """
    import search
    from backoffice.core.selectors import agencies_visible_to

    agency_ids = [
        str(pk)
        for pk in agencies_visible_to(
            user=user, permission=Permission.VIEW_DOSSIERS
        ).values_list("pk", flat=True)
    ]
    result = search.query(
        "dossiers",
        search.SearchQuery(
            text=text, filters={"agency_ids": agency_ids}, page_size=limit
        ),
    )
    ranked = [int(hit.id) for hit in result.hits if hit.id.isdigit()]
    found = dossiers_for_staff(user=user).in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found]


def dossier_receipt_state(*, dossier: Dossier) -> str:
    """ "issued", "pending" or "failed" — what the counter page shows."""
    from backoffice.core.leases import lease_get
    from backoffice.core.models import JobLease

    from .constants import RECEIPT_JOB
    from .models import DossierFile

    if dossier.files.filter(kind=DossierFile.Kind.RECEIPT).exists():
        return "issued"
    lease = lease_get(kind=RECEIPT_JOB, object_id=dossier.pk)
    if lease is not None and lease.state == JobLease.State.FAILED:
        return "failed"
    return "pending"
