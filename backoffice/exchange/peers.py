"""Reads of the peer registry (other installations and their agencies)."""

from collections.abc import Iterator

from cryptography import x509

from .models import Peer, PeerAgency


def peer_certificates() -> Iterator[x509.Certificate]:
    """The certificates of every active peer (whose packets are trusted)."""
    for peer in Peer.objects.filter(is_active=True):
        yield peer.certificate()


def peer_for_agency(*, code: str) -> Peer | None:
    """The active peer that reaches the agency `code`, if any."""
    found = (
        PeerAgency.objects.select_related("peer")
        .filter(code=code, peer__is_active=True)
        .first()
    )
    return found.peer if found else None


def peer_agency_channel(agency: object) -> str | None:
    """Outgoing channel resolver: "edxml" for an agency reached through a peer."""
    code = getattr(agency, "code", "")
    return "edxml" if code and peer_for_agency(code=code) is not None else None
