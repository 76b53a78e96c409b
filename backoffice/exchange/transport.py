"""HTTP transport between installations (peer to peer).

The peer-to-peer channel mirrors the national hub's operations so a hub adapter
can take this module's place later:

- SendDocument        POST {base}/exchange/v1/packets/        (edXML bytes)
- UpdateTraces        POST {base}/exchange/v1/status/         (status packet)
- GetPendingDocumentIds / GetDocument / ConfirmReceived: a push model needs no
  polling: the receiver answers SendDocument at once (200 stored, 4xx refused).
- GetTraces           GET  {base}/exchange/v1/traces/?document_id=…
- GetOrganizations    GET  {base}/exchange/v1/organizations/
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

PACKETS_PATH = "exchange/v1/packets/"
STATUS_PATH = "exchange/v1/status/"
CONTENT_TYPE = "application/xml; charset=utf-8"


class TransportError(Exception):
    """The peer could not be reached or answered with a server error: retry."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


def _url(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path


def post_packet(*, base_url: str, path: str, data: bytes) -> Answer:
    """POST the bytes; a 2xx or 4xx is an answer, anything else TransportError."""
    request = urllib.request.Request(  # noqa: S310 — the peer's URL is http(s)
        _url(base_url, path),
        data=data,
        method="POST",
        headers={"Content-Type": CONTENT_TYPE, "Accept": "application/json"},
    )
    if not request.full_url.startswith(("http://", "https://")):
        raise TransportError(f"unsupported URL {request.full_url}")
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.EXCHANGE_TIMEOUT_SECONDS
        ) as response:
            return Answer(response.status, _json(response.read()))
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code in (408, 429):
            raise TransportError(f"HTTP {exc.code}") from exc
        return Answer(exc.code, _json(exc.read()))
    except (OSError, urllib.error.URLError) as exc:
        raise TransportError(str(getattr(exc, "reason", exc)) or repr(exc)) from exc


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
