"""Permission-scoped reads of the catalogue, e-files and the disposal list.

Clerks (KEEP_REGISTERS) and leaders (APPROVE) see the records of their agencies
(leaders also of the units below them, as everywhere else); nobody else does.
"""

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import agencies_visible_to

from .constants import EFileStatus, ItemKind
from .models import CatalogueEntry, EFile, RetentionPeriod


def records_agencies(*, user: AbstractBaseUser) -> QuerySet[Agency]:
    """Agencies whose catalogue and files the user keeps."""
    desk = agencies_visible_to(user=user, permission=Permission.KEEP_REGISTERS)
    leading = agencies_visible_to(user=user, permission=Permission.APPROVE)
    return (desk | leading).distinct()


def catalogue_for_staff(
    *, user: AbstractBaseUser, agency: Agency, year: int
) -> QuerySet[CatalogueEntry]:
    """The agency's catalogue of `year` with its files (empty when not allowed)."""
    if not records_agencies(user=user).filter(pk=agency.pk).exists():
        return CatalogueEntry.objects.none()
    return (
        CatalogueEntry.objects.filter(agency=agency, year=year)
        .select_related("retention", "responsible_person")
        .prefetch_related("efiles")
        .order_by("code")
    )


def retention_periods_of(*, agency: Agency) -> QuerySet[RetentionPeriod]:
    return RetentionPeriod.objects.filter(agency=agency).order_by("years", "name")


def efiles_for_staff(*, user: AbstractBaseUser) -> QuerySet[EFile]:
    """Every e-file the user may open."""
    return EFile.objects.filter(agency__in=records_agencies(user=user)).select_related(
        "agency", "entry__retention", "responsible", "closed_by"
    )


def filing_candidates(
    *, efile: EFile, kind: str, text: str, limit: int = 20
) -> list[object]:
    """Documents or dossiers of the file's agency, not filed anywhere yet, whose
    number, number-symbol or code matches `text`."""
    text = text.strip()
    if not text:
        return []
    if kind == ItemKind.INCOMING:
        from backoffice.incoming.models import IncomingDocument

        query = Q(number_symbol__icontains=text) | Q(subject__icontains=text)
        if text.isdigit():
            query |= Q(incoming_number=int(text))
        found = IncomingDocument.objects.filter(
            query, agency=efile.agency, incoming_number__isnull=False
        ).order_by("-year", "-incoming_number")
    elif kind == ItemKind.OUTGOING:
        from backoffice.outgoing.models import OutgoingDocument

        query = Q(number_symbol__icontains=text) | Q(subject__icontains=text)
        found = OutgoingDocument.objects.filter(
            query, agency=efile.agency, number__isnull=False
        ).order_by("-year", "-number")
    elif kind == ItemKind.DOSSIER:
        from backoffice.dossiers.models import Dossier

        found = Dossier.objects.filter(
            Q(code__icontains=text) | Q(applicant_name__icontains=text),
            agency=efile.agency,
        ).order_by("-received_at")
    else:
        return []
    return list(found.filter(efile_item__isnull=True)[:limit])


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def disposal_proposals(
    *, user: AbstractBaseUser, today: dt.date | None = None
) -> QuerySet[EFile]:
    """Closed files whose retention has run out (end date + N years ≤ today), for
    the archivist to propose for disposal. Permanent files never appear; nothing
    is deleted here or anywhere else."""
    today = today or timezone.localdate()
    closed = efiles_for_staff(user=user).filter(
        status=EFileStatus.CLOSED, entry__retention__years__isnull=False
    )
    years = set(closed.values_list("entry__retention__years", flat=True))
    if not years:
        return closed.none()
    due = Q()
    for n in sorted(years):
        due |= Q(entry__retention__years=n, closed_on__lte=_years_ago(today, n))
    return closed.filter(due).order_by("closed_on", "code")


def retention_ends_on(efile: EFile) -> dt.date | None:
    """The day the file's retention ends (None: open, or kept permanently)."""
    years = efile.entry.retention.years
    if years is None or efile.closed_on is None:
        return None
    try:
        return efile.closed_on.replace(year=efile.closed_on.year + years)
    except ValueError:
        return efile.closed_on.replace(year=efile.closed_on.year + years, day=28)
