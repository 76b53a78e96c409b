"""The one notification service for applicants (thông báo cho người nộp hồ sơ).

Every applicant notice — the receipt (form 01) and each status change a citizen
cares about — goes through `dossier_notify`, which picks the channels the dossier
can be reached by (e-mail, SMS to a valid Vietnamese mobile number) and queues one
task per channel on commit. One task per channel, rather than one task sending
both: a channel that fails (an SMS provider away) is retried by the task retry
policy on its own, and a retry never sends the other channel's message again —
no delivered-flags table is needed for that.
"""

import logging
from dataclasses import dataclass
from typing import ClassVar

from backoffice.core.sms import mobile_number, send_sms

from .constants import DossierStatus
from .models import Dossier, DossierFile, DossierStatusEvent, DossierSuspension

logger = logging.getLogger(__name__)

S = DossierStatus

EMAIL, SMS = "email", "sms"
CHANNELS = (EMAIL, SMS)

# Status changes a citizen is told about: received, refused, asked for more or for
# the fee, withdrawn (their own request, confirmed), stopped, done, handed back.
# Internal moves (processing, steps, transfers) are not; an extension with form 04
# (a suspension, recorded as an event in the same status) is — see EXTENDED.
CITIZEN_STATUSES = frozenset(
    {
        S.NEW,
        S.ACCEPTED,
        S.NOT_ACCEPTED,
        S.SUPPLEMENT_REQUESTED,
        S.AWAITING_FEE,
        S.WITHDRAWN,
        S.STOPPED,
        S.DONE,
        S.RESULT_RETURNED,
    }
)
RECEIPT, EXTENDED = "receipt", "extended"


@dataclass(frozen=True)
class ReceiptIssued:
    """Form 01 of the dossier was issued."""

    dossier_id: int
    kind: ClassVar[str] = "receipt"

    @property
    def object_id(self) -> int:
        return self.dossier_id


@dataclass(frozen=True)
class StatusChanged:
    """A status event of the dossier was recorded (a transition or an extension)."""

    event_id: int
    kind: ClassVar[str] = "status"

    @property
    def object_id(self) -> int:
        return self.event_id


NoticeEvent = ReceiptIssued | StatusChanged
EVENT_KINDS: dict[str, type[ReceiptIssued] | type[StatusChanged]] = {
    ReceiptIssued.kind: ReceiptIssued,
    StatusChanged.kind: StatusChanged,
}


@dataclass(frozen=True)
class _Notice:
    dossier: Dossier
    topic: str  # RECEIPT, EXTENDED or the status number
    status_event: DossierStatusEvent | None = None


def notice_event(*, kind: str, object_id: int) -> NoticeEvent:
    """The event a queued task names (JSON: a kind and an id)."""
    return EVENT_KINDS[kind](int(object_id))


def _notice(event: NoticeEvent) -> _Notice | None:
    """What the applicant is to be told, or None for a change they do not need."""
    if isinstance(event, ReceiptIssued):
        dossier = Dossier.objects.select_related("procedure", "agency").get(
            pk=event.dossier_id
        )
        return _Notice(dossier=dossier, topic=RECEIPT)
    status_event = DossierStatusEvent.objects.select_related(
        "dossier__procedure", "dossier__agency"
    ).get(pk=event.event_id)
    dossier = status_event.dossier
    if DossierSuspension.objects.filter(dossier=dossier, at=status_event.at).exists():
        return _Notice(dossier=dossier, topic=EXTENDED, status_event=status_event)
    if status_event.status in CITIZEN_STATUSES:
        return _Notice(
            dossier=dossier, topic=str(status_event.status), status_event=status_event
        )
    return None


def notice_channels(*, dossier: Dossier) -> list[str]:
    """The channels the applicant can be reached by. A phone that is not a valid
    Vietnamese mobile number is skipped (and logged), never an error."""
    channels = []
    if dossier.applicant_email:
        channels.append(EMAIL)
    if dossier.applicant_phone:
        if mobile_number(dossier.applicant_phone):
            channels.append(SMS)
        else:
            logger.warning(
                "Dossier %s: no SMS, %r is not a Vietnamese mobile number",
                dossier.code,
                dossier.applicant_phone,
            )
    return channels


def dossier_notify(*, event: NoticeEvent) -> list[str]:
    """Notify the applicant of the event by every channel that reaches them.

    Side effects: one `send_dossier_notice` task per channel, queued on commit
    (transactional outbox). Returns the channels queued ([] for a change the
    citizen is not told about, or an applicant with no e-mail and no mobile).
    """
    from .tasks import send_dossier_notice

    notice = _notice(event)
    if notice is None:
        return []
    channels = notice_channels(dossier=notice.dossier)
    for channel in channels:
        send_dossier_notice.delay_on_commit(channel, event.kind, event.object_id)
    return channels


def dossier_notice_send(*, channel: str, event: NoticeEvent) -> bool:
    """Send the event's notice by one channel now; False when there is nothing to
    send (no address for it, or a change the citizen is not told about).

    Raises what the channel raises (SMTP `OSError`, `SmsDeliveryError`), so the
    task retries this channel alone.
    """
    from .notifications import receipt_email, receipt_sms, status_email, status_sms

    if channel not in CHANNELS:
        raise ValueError(f"Unknown notification channel {channel!r}")
    notice = _notice(event)
    if notice is None or channel not in notice_channels(dossier=notice.dossier):
        return False
    dossier, status_event = notice.dossier, notice.status_event
    if channel == EMAIL:
        if status_event is None:
            receipt = dossier.files.filter(kind=DossierFile.Kind.RECEIPT).first()
            message = receipt_email(dossier=dossier, receipt=receipt)
        else:
            message = status_email(dossier=dossier, event=status_event)
        return bool(message.send())
    if status_event is None:
        body = receipt_sms(dossier=dossier)
    else:
        body = status_sms(
            dossier=dossier, event=status_event, extended=notice.topic == EXTENDED
        )
    return bool(send_sms(to=dossier.applicant_phone, body=body))
