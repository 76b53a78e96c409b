"""Permission-scoped reads of the exchange for the clerk's page."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from backoffice.core.constants import Permission
from backoffice.core.models import Agency
from backoffice.core.selectors import agencies_visible_to

from .constants import Direction, PacketKind
from .edxml.constants import BusinessType
from .models import ExchangePacket, ExchangeRecall, ExchangeStatus


def exchange_agencies(*, user: AbstractBaseUser) -> QuerySet[Agency]:
    """Agencies whose exchange (sent packets, recalls) the user keeps."""
    return agencies_visible_to(user=user, permission=Permission.KEEP_REGISTERS)


def sent_documents(*, user: AbstractBaseUser, limit: int = 200) -> list[dict[str, Any]]:
    """Documents sent by edXML from the user's agencies, each with its status
    history per recipient organ (newest first)."""
    packets = list(
        ExchangePacket.objects.filter(
            direction=Direction.OUT,
            kind=PacketKind.DOCUMENT,
            business_type=BusinessType.NEW,
            agency__in=exchange_agencies(user=user),
        )
        .select_related("peer", "delivery__document")
        .order_by("-pk")[:limit]
    )
    statuses: dict[tuple[str, str], list[ExchangeStatus]] = {}
    for status in ExchangeStatus.objects.filter(
        direction=Direction.IN, document_id__in=[p.document_id for p in packets]
    ).order_by("at", "pk"):
        statuses.setdefault((status.document_id, status.organ_id), []).append(status)
    return [
        {
            "packet": packet,
            "statuses": statuses.get((packet.document_id, packet.recipient_codes), []),
        }
        for packet in packets
    ]


def recalls_received(*, user: AbstractBaseUser) -> QuerySet[ExchangeRecall]:
    return (
        ExchangeRecall.objects.filter(agency__in=exchange_agencies(user=user))
        .select_related("agency", "incoming", "peer")
        .order_by("-pk")
    )


def packets_failed(*, user: AbstractBaseUser) -> QuerySet[ExchangePacket]:
    return ExchangePacket.objects.filter(
        direction=Direction.OUT,
        state="failed",
        agency__in=exchange_agencies(user=user),
    ).order_by("-pk")
