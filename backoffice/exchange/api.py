"""The exchange endpoint other installations call (no session, no CSRF: a
packet is trusted by its XML signature, checked against the registered peers).

Bodies are capped by EXCHANGE_MAX_PACKET_BYTES from the declared Content-Length
before a byte is read; a body without a length is refused (411).
"""

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from backoffice.core.middleware import accepts_body

from .constants import Direction, PacketKind
from .inbound import own_agencies, packet_receive
from .models import ExchangePacket, ExchangeStatus
from .statuses import StatusRefused, status_receive

logger = logging.getLogger(__name__)


def _body(request: HttpRequest) -> bytes | JsonResponse:
    value = request.META.get("CONTENT_LENGTH") or ""
    if not value.isdigit():
        return JsonResponse(
            {
                "accepted": False,
                "errors": [
                    _("Yêu cầu phải khai báo độ dài dữ liệu gửi lên (Content-Length).")
                ],
            },
            status=411,
        )
    limit = settings.EXCHANGE_MAX_PACKET_BYTES
    if int(value) > limit:
        reason = _("Gói tin %(size)s byte, lớn hơn giới hạn %(limit)s byte.") % {
            "size": value,
            "limit": limit,
        }
        logger.warning("edXML packet refused: %s", reason)
        return JsonResponse({"accepted": False, "errors": [reason]}, status=413)
    return request.body


@accepts_body("EXCHANGE_MAX_PACKET_BYTES")
@csrf_exempt
@require_POST
def packets(request: HttpRequest) -> JsonResponse:
    """SendDocument: receive one edXML document packet."""
    body = _body(request)
    if isinstance(body, JsonResponse):
        return body
    outcome = packet_receive(body)
    return JsonResponse(outcome.body, status=outcome.http)


@accepts_body("EXCHANGE_MAX_PACKET_BYTES")
@csrf_exempt
@require_POST
def status(request: HttpRequest) -> JsonResponse:
    """UpdateTraces: receive one status packet for a document sent from here."""
    body = _body(request)
    if isinstance(body, JsonResponse):
        return body
    try:
        recorded = status_receive(body)
    except StatusRefused as exc:
        logger.warning("status packet refused: %s", exc)
        return JsonResponse({"accepted": False, "errors": [str(exc)]}, status=exc.http)
    return JsonResponse(
        {"accepted": True, "document_id": recorded.document_id, "code": recorded.code}
    )


@require_GET
def traces(request: HttpRequest) -> JsonResponse:
    """GetTraces: whether a DocumentId arrived here (no content is disclosed)."""
    document_id = request.GET.get("document_id", "")[:255]
    received = ExchangePacket.objects.filter(
        direction=Direction.IN, kind=PacketKind.DOCUMENT, document_id=document_id
    ).exists()
    codes = list(
        ExchangeStatus.objects.filter(
            direction=Direction.OUT, document_id=document_id
        ).values_list("code", flat=True)
    )
    return JsonResponse(
        {"document_id": document_id, "received": received, "statuses": codes}
    )


@require_GET
def organizations(request: HttpRequest) -> JsonResponse:
    """GetOrganizations: the agencies this installation receives for."""
    return JsonResponse(
        {
            "organizations": [
                {"code": code, "name": name}
                for code, name in own_agencies()
                .order_by("code")
                .values_list("code", "name")
            ]
        }
    )
