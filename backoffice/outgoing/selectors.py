"""Permission-scoped reads of outgoing documents (views, registers, search)."""

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Prefetch, QuerySet

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import agencies_visible_to, scope_to_user

from .constants import OutgoingStatus
from .models import OutgoingDocument, OutgoingEvent, OutgoingRecipient


def _base() -> QuerySet[OutgoingDocument]:
    return OutgoingDocument.objects.select_related(
        "agency", "created_by", "approver"
    ).prefetch_related(
        Prefetch(
            "recipients", queryset=OutgoingRecipient.objects.select_related("agency")
        ),
        "files",
    )


def outgoing_for_staff(*, user: AbstractBaseUser) -> QuerySet[OutgoingDocument]:
    """The outgoing documents of the agencies the user may see."""
    return scope_to_user(_base(), user=user)


def outgoing_lists(*, user: AbstractBaseUser) -> dict[str, QuerySet[OutgoingDocument]]:
    """The desk's lists: drafts, awaiting approval, awaiting release, released."""
    visible = outgoing_for_staff(user=user)
    return {
        "drafts": visible.filter(
            status__in=[OutgoingStatus.DRAFT, OutgoingStatus.RETURNED]
        ),
        "submitted": visible.filter(status=OutgoingStatus.SUBMITTED),
        "approved": visible.filter(
            status__in=[OutgoingStatus.APPROVED, OutgoingStatus.SIGNING]
        ),
        "released": visible.filter(status=OutgoingStatus.RELEASED).order_by(
            "-released_at"
        )[:50],
    }


def outgoing_history(*, document: OutgoingDocument) -> QuerySet[OutgoingEvent]:
    return document.events.select_related("actor")


def outgoing_draft_agencies(*, user: AbstractBaseUser) -> QuerySet[Agency]:
    """Agencies in which the user may draft."""
    return agencies_visible_to(user=user, permission=Permission.PROCESS_DOSSIERS)


def outgoing_register_agencies(*, user: AbstractBaseUser) -> QuerySet[Agency]:
    return agencies_visible_to(user=user, permission=Permission.KEEP_REGISTERS)


def outgoing_register_rows(
    *,
    agency: Agency,
    year: int,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[OutgoingDocument]:
    """Numbered documents of the register (released and recalled), by number."""
    rows = _base().filter(agency=agency, year=year, number__isnull=False)
    if date_from:
        rows = rows.filter(released_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(released_at__date__lte=date_to)
    return rows.order_by("series", "number")


def outgoing_search_for_staff(
    *, user: AbstractBaseUser, text: str, limit: int = 100
) -> list[OutgoingDocument]:
    """Full-text search (number-symbol, subject, unit, signer, recipients) over
    the outgoing documents the user may open, best match first; re-read through
    the scoped queryset. Raises search.SearchError for a refused query."""
    import search

    visible = outgoing_for_staff(user=user)
    agency_ids = sorted({str(pk) for pk in visible.values_list("agency_id", flat=True)})
    if not agency_ids:
        return []
    result = search.query(
        "outgoing",
        search.SearchQuery(
            text=text, filters={"agency_ids": agency_ids}, page_size=limit
        ),
    )
    ranked = [int(hit.id) for hit in result.hits if hit.id.isdigit()]
    found = visible.in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found]
