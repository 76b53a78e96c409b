"""Liên thông giữa hai hệ thống: a transfer step held by an agency of another
installation.

Dossiers does not know how installations talk: it defines the channel
(`RemoteTransferChannel`) and a registry; the exchange app registers its edXML
implementation at start-up. This module holds the dossier side of both ends:

- origin: `remote_transfer_start` (inside `dossier_transfer`) hands the dossier
  over, `remote_transfer_status` records what the other installation reports
  (a refusal hands the dossier back), `remote_transfer_take_back` takes back
  the result and reactivates the origin's return step;
- receiver: `remote_dossier_receive` creates the local dossier held by the
  receiving agency with one transfer step, `remote_step_assigned` and
  `remote_origin_closing` report progress and send the result back.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from backoffice.core.models import Agency
from backoffice.dossiers.models import DossierFile
from backoffice.dossiers.processing_models import (
    DossierRemoteOrigin,
    DossierRemoteTransfer,
)

APPLICANT_FIELDS = (
    "applicant_name",
    "applicant_type",
    "applicant_id_number",
    "applicant_organisation",
    "applicant_tax_code",
    "applicant_phone",
    "applicant_address",
    "representative_name",
    "representative_id_number",
    "representative_phone",
)

TRANSFERRED_KINDS = (
    DossierFile.Kind.SUBMITTED,
    DossierFile.Kind.SUPPLEMENT,
    DossierFile.Kind.RESULT,
)

# What the other installation reports (the exchange maps its status codes).
EVENT_STATES = {
    "arrived": DossierRemoteTransfer.State.ARRIVED,
    "registered": DossierRemoteTransfer.State.REGISTERED,
    "assigned": DossierRemoteTransfer.State.PROCESSING,
    "processing": DossierRemoteTransfer.State.PROCESSING,
    "done": DossierRemoteTransfer.State.DONE,
}
STATE_ORDER = [
    DossierRemoteTransfer.State.SENDING,
    DossierRemoteTransfer.State.ARRIVED,
    DossierRemoteTransfer.State.REGISTERED,
    DossierRemoteTransfer.State.PROCESSING,
    DossierRemoteTransfer.State.DONE,
]


class RemoteTransferRefused(Exception):
    """A transfer this side cannot take (message in Vietnamese); nothing kept."""


@dataclass(frozen=True)
class RemoteFile:
    """A file travelling between installations: exact bytes and media type."""

    name: str
    content: bytes
    media_type: str
    component: str = ""


class RemoteTransferChannel(Protocol):
    """How dossiers reach agencies of other installations (registered by the
    exchange app). Every method is called inside the caller's transaction;
    anything sent goes out on commit."""

    def reaches(self, agency: Agency) -> bool:
        """Is the agency one of another installation (whatever its state)?"""

    def unavailable_reason(self, agency: Agency) -> str:
        """Why nothing can be sent to the agency now ("" when it can)."""

    def system_name(self, agency: Agency) -> str:
        """The name of the installation the agency belongs to."""

    def remote_agencies(self) -> list[Agency]:
        """Agencies reachable now, each with `remote_system` set to its
        installation's name."""

    def transfer_send(
        self, *, transfer: DossierRemoteTransfer, files: Sequence[DossierFile]
    ) -> str:
        """Queue the signed hand-over of the dossier; returns its document id.
        Raises RemoteTransferRefused when it cannot be built."""

    def progress_send(
        self, *, origin: DossierRemoteOrigin, event: str, description: str = ""
    ) -> None:
        """Report a receiver-side event (arrived, registered, processing,
        done) to the origin."""

    def result_send(self, *, origin_id: int) -> None:
        """Queue sending the result of a received dossier back (on commit)."""


_channel: RemoteTransferChannel | None = None


def remote_transfer_channel_register(channel: RemoteTransferChannel | None) -> None:
    """Register the channel to other installations (exchange's AppConfig.ready)."""
    global _channel
    _channel = channel


def remote_transfer_channel() -> RemoteTransferChannel | None:
    return _channel


def remote_transfer_targets() -> list[Agency]:
    """Agencies of other installations a dossier may be sent to now."""
    return _channel.remote_agencies() if _channel is not None else []


from .origin import (  # noqa: E402 — the two sides use the registry above
    remote_transfer_payload,
    remote_transfer_start,
    remote_transfer_status,
    remote_transfer_take_back,
)
from .receiving import (  # noqa: E402
    remote_dossier_receive,
    remote_origin_closing,
    remote_origin_returned,
    remote_result,
    remote_step_assigned,
)

__all__ = [
    "RemoteFile",
    "RemoteTransferChannel",
    "RemoteTransferRefused",
    "remote_dossier_receive",
    "remote_origin_closing",
    "remote_origin_returned",
    "remote_result",
    "remote_step_assigned",
    "remote_transfer_channel",
    "remote_transfer_channel_register",
    "remote_transfer_payload",
    "remote_transfer_start",
    "remote_transfer_status",
    "remote_transfer_take_back",
    "remote_transfer_targets",
]
