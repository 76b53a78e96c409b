"""Which channel reaches a recipient agency.

An agency of this installation is reached on its own incoming desk (INTERNAL).
Higher apps register resolvers for the agencies they reach otherwise — the edXML
exchange names the agencies of its peers — so outgoing never imports them. The
first resolver that answers wins.
"""

from collections.abc import Callable

from backoffice.core.models import Agency

from .constants import Channel

Resolver = Callable[[Agency], str | None]
RESOLVERS: list[Resolver] = []


def channel_resolver_register(resolver: Resolver) -> None:
    if resolver not in RESOLVERS:
        RESOLVERS.append(resolver)


def agency_channel(agency: Agency) -> str:
    """The channel an outgoing document takes to reach `agency`."""
    for resolver in RESOLVERS:
        if channel := resolver(agency):
            return channel
    return Channel.INTERNAL
