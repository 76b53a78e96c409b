"""Permission-scoped reads of incoming documents for the desk, routing and register.

Clerks (KEEP_REGISTERS) and leaders (APPROVE) see every incoming document of their
agencies; specialists see the documents assigned to them (lead or co-handler).
"""

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import agencies_visible_to

from .constants import IncomingStatus
from .models import IncomingDocument, IncomingEvent, IncomingMail


def _base() -> QuerySet[IncomingDocument]:
    return IncomingDocument.objects.select_related(
        "agency", "lead", "duplicate_of", "mail"
    )


def incoming_for_staff(*, user: AbstractBaseUser) -> QuerySet[IncomingDocument]:
    """Every incoming document the user may open."""
    if not user.is_authenticated:
        return IncomingDocument.objects.none()
    desk = agencies_visible_to(user=user, permission=Permission.KEEP_REGISTERS)
    leading = agencies_visible_to(user=user, permission=Permission.APPROVE)
    return (
        _base()
        .filter(
            Q(agency__in=desk)
            | Q(agency__in=leading)
            | Q(lead=user)
            | Q(co_handlers=user)
        )
        .distinct()
    )


def incoming_desk_agencies(*, user: AbstractBaseUser) -> QuerySet[Agency]:
    """Agencies whose desk (receive, register) the user keeps."""
    return agencies_visible_to(user=user, permission=Permission.KEEP_REGISTERS)


def incoming_register_agencies(*, user: AbstractBaseUser) -> QuerySet[Agency]:
    """Agencies whose register the user may print (clerks and leaders)."""
    desk = agencies_visible_to(user=user, permission=Permission.KEEP_REGISTERS)
    leading = agencies_visible_to(user=user, permission=Permission.APPROVE)
    return (desk | leading).distinct()


def incoming_lists(*, user: AbstractBaseUser) -> dict[str, QuerySet[IncomingDocument]]:
    """The desk's tabs: to register, to assign, assigned to me, all."""
    visible = incoming_for_staff(user=user)
    desk = incoming_desk_agencies(user=user)
    leading = agencies_visible_to(user=user, permission=Permission.APPROVE)
    return {
        "pending": visible.filter(status=IncomingStatus.RECEIVED, agency__in=desk),
        "to_assign": visible.filter(
            status=IncomingStatus.REGISTERED, agency__in=leading
        ),
        "mine": visible.filter(
            Q(lead=user) | Q(co_handlers=user),
            status__in=[IncomingStatus.ASSIGNED, IncomingStatus.PROCESSING],
        ).order_by("due_at"),
        "all": visible,
    }


def incoming_search_for_staff(
    *, user: AbstractBaseUser, text: str, limit: int = 100
) -> list[IncomingDocument]:
    """Full-text search (number-symbol, issuer, subject, signer, text layer or OCR)
    over the incoming documents the user may open, best match first.

    Filtered to the user's agencies in the index, then re-read through the scoped
    queryset, so a stale entry never shows a foreign document. Raises
    search.SearchError for a query the engine refuses.
    """
    import search

    visible = incoming_for_staff(user=user)
    agency_ids = sorted({str(pk) for pk in visible.values_list("agency_id", flat=True)})
    if not agency_ids:
        return []
    result = search.query(
        "incoming",
        search.SearchQuery(
            text=text, filters={"agency_ids": agency_ids}, page_size=limit
        ),
    )
    ranked = [int(hit.id) for hit in result.hits if hit.id.isdigit()]
    found = visible.in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found]


def incoming_history(*, document: IncomingDocument) -> QuerySet[IncomingEvent]:
    return document.events.select_related("actor")


def incoming_mails_for_staff(*, user: AbstractBaseUser) -> QuerySet[IncomingMail]:
    """Mail records (problems included) of the desks the user keeps."""
    return IncomingMail.objects.filter(
        agency__in=incoming_desk_agencies(user=user)
    ).select_related("agency")


def deadline_colour(
    document: IncomingDocument, *, now: dt.datetime | None = None
) -> str:
    """ "overdue", "due-soon" (within a day) or "on-time" for an open assignment."""
    if not document.due_at or document.status == IncomingStatus.DONE:
        return ""
    moment = now or timezone.now()
    if document.due_at < moment:
        return "overdue"
    if document.due_at - moment < dt.timedelta(days=1):
        return "due-soon"
    return "on-time"


def incoming_register_rows(
    *,
    agency: Agency,
    year: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[IncomingDocument]:
    """Registered entries of a year (optionally a date range), in number order."""
    rows = IncomingDocument.objects.filter(
        agency=agency, year=year, incoming_number__isnull=False
    ).prefetch_related("files")
    if date_from:
        rows = rows.filter(received_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(received_at__date__lte=date_to)
    return rows.order_by("incoming_number")


def incoming_summary(document: IncomingDocument) -> dict[str, object]:
    """The `receive_document --json` entry of one document (DESIGN.md §5)."""
    status = {
        IncomingStatus.RECEIVED: "pending",
        IncomingStatus.REFUSED: "refused",
    }.get(document.status, "registered")
    reason: str | None = None
    if status == "refused":
        reason = document.refusal_reason or None
    elif status == "pending":
        reason = document.verdict_reason or None
    duplicate = document.duplicate_of
    return {
        "status": status,
        "incoming_number": document.incoming_number,
        "year": document.year,
        "received_at": timezone.localtime(document.received_at).isoformat(),
        "verdict": document.verdict or None,
        "duplicate_of": duplicate.incoming_number if duplicate else None,
        "reason": reason,
    }
