"""The client's network address, the one every throttle and lockout keys on.

Behind TLS-terminating proxies the socket address is the proxy's, so all citizens
would share one bucket; the address a client claims in X-Forwarded-For is forged at
will. With TRUSTED_PROXY_COUNT = N (the proxies in front of the application, each
appending the address it received the request from), the client is the Nth address
from the right of X-Forwarded-For; with 0 the header is ignored. django-ratelimit
(`RATELIMIT_IP_META_KEY`) and django-axes (`AXES_CLIENT_IP_CALLABLE`) call
`client_ip` too.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# When no address is known (a Unix socket with no proxy configured): one bucket.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - an address to count by, not to bind


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request`, canonical (IPv4-mapped IPv6
    as IPv4); the socket address when the trusted proxies did not give one."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count = max(int(getattr(settings, "TRUSTED_PROXY_COUNT", 0)), 0)
    if count:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if len(hops) >= count:
            forwarded = _address(hops[-count])
            if forwarded:
                return forwarded
    return remote or UNKNOWN_ADDRESS


def _address(value: str) -> str:
    """`value` as a canonical IP address, or "" when it is none. Proxies may add a
    port (`1.2.3.4:5678`, `[2001:db8::1]:443`)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)
