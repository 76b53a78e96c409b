"""Tell a delivery channel what happened to what it delivered.

The incoming app knows nothing of the channels above it (the e-mail intake of this
app, the outgoing app's internal dispatch, the edXML exchange): each registers a
notifier for its `via` here, in its `AppConfig.ready()`. The incoming services
record every event of a document and, once the transaction commits, a durable task
(`tasks.notify_incoming_event`) calls the notifiers of the document's channel as
`fn(document=..., event=..., reason=...)`; a notifier that raises is retried with
backoff. Events: "received", "registered", "refused", "assigned", "processing",
"done" (constants.IncomingEventKind).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import IncomingDocument

ChannelNotifier = Callable[..., Any]

_NOTIFIERS: dict[str, list[ChannelNotifier]] = {}


def channel_notifier_register(via: str, fn: ChannelNotifier) -> None:
    """Call `fn(document=, event=, reason=)` for every event of documents that
    arrived through `via`. Registering the same function twice keeps one."""
    if not callable(fn):
        raise TypeError("A channel notifier must be callable.")
    notifiers = _NOTIFIERS.setdefault(via, [])
    if fn not in notifiers:
        notifiers.append(fn)


def channel_notifiers(via: str) -> list[ChannelNotifier]:
    """The notifiers registered for `via` (a copy)."""
    return list(_NOTIFIERS.get(via, ()))


def channel_notify(*, document: "IncomingDocument", event: str, reason: str) -> int:
    """Call every notifier of the document's channel; returns how many ran.
    Exceptions propagate (the calling task retries)."""
    notifiers = channel_notifiers(document.via)
    for fn in notifiers:
        fn(document=document, event=event, reason=reason)
    return len(notifiers)
