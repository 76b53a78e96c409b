import datetime as dt
from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from django_ratelimit.core import is_ratelimited
from ninja import Header, Query, Router, Schema

from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.notifications import refusal_reason
from backoffice.dossiers.selectors import dossier_history, dossier_public_lookup

from .errors import ApiError, ErrorCode, error_responses
from .params import Text

router = Router(tags=["dossiers"])


class StatusOut(Schema):
    code: int
    label: str


class EventOut(Schema):
    status: StatusOut
    at: dt.datetime
    note: str


class AgencyNowOut(Schema):
    code: str
    name: str


class DossierStatusOut(Schema):
    agency_now: AgencyNowOut  # the agency holding the dossier now (issue 13)
    code: str
    procedure: str
    status: StatusOut
    received_at: dt.datetime
    due_at: dt.datetime
    # The office's reason when refused (3) or stopped (8); null otherwise.
    refusal_reason: str | None = None
    history: list[EventOut]


def _status(value: int) -> StatusOut:
    return StatusOut(code=value, label=str(DossierStatus(value).label))


def lookup_throttled(request: HttpRequest) -> bool:
    """Shared by the HTML lookup and this API: per client address (DOSSIER_LOOKUP_RATE).

    The address is `backoffice.core.net.client_ip` (RATELIMIT_IP_META_KEY: behind
    TRUSTED_PROXY_COUNT proxies, from X-Forwarded-For) and the counters live in the
    shared "throttle" cache (RATELIMIT_USE_CACHE), so every web process counts in
    one bucket per client.
    """
    return is_ratelimited(
        request,
        group="dossier-lookup",
        key="ip",
        rate=settings.DOSSIER_LOOKUP_RATE,
        increment=True,
    )


@router.get(
    "/{code}/status",
    response={200: DossierStatusOut, **error_responses(404, 422, 429)},
    summary="Tình trạng hồ sơ (mã hồ sơ + mã tra cứu trên giấy tiếp nhận)",
    description=(
        "Gửi mã tra cứu trong tiêu đề `X-Lookup-Secret` để mã không nằm trong địa "
        "chỉ (và nhật ký truy cập); tham số `secret` vẫn được nhận để tương thích. "
        "404 khi mã hồ sơ không có hoặc mã tra cứu sai (hai trường hợp trả lời "
        "giống hệt nhau); 429 khi một địa chỉ IP tra cứu quá nhiều lần "
        "(giới hạn `DOSSIER_LOOKUP_RATE`)."
    ),
)
def dossier_status(
    request: HttpRequest,
    code: Text,
    secret: Annotated[
        Text,
        Query(
            "",
            description="Mã tra cứu in trên giấy tiếp nhận. Nên dùng tiêu đề "
            "`X-Lookup-Secret` thay cho tham số này (địa chỉ có tham số bị ghi "
            "vào nhật ký truy cập).",
        ),
    ] = "",
    lookup_secret: Annotated[
        Text,
        Header(
            "",
            alias="X-Lookup-Secret",
            description="Mã tra cứu in trên giấy tiếp nhận (ưu tiên hơn tham số "
            "`secret`).",
        ),
    ] = "",
) -> DossierStatusOut:
    if lookup_throttled(request):
        raise ApiError(
            429,
            _("Tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."),
            ErrorCode.THROTTLED,
        )
    dossier = dossier_public_lookup(code=code, secret=lookup_secret or secret)
    if dossier is None:
        raise ApiError(
            404,
            _(
                "Không tìm thấy hồ sơ. Kiểm tra lại mã hồ sơ và mã tra cứu in trên "
                "giấy tiếp nhận."
            ),
            ErrorCode.NOT_FOUND,
        )
    from backoffice.dossiers.process import dossier_agency_now

    holder = dossier_agency_now(dossier=dossier)
    return DossierStatusOut(
        agency_now=AgencyNowOut(code=holder.code, name=holder.name),
        code=dossier.code,
        procedure=f"{dossier.procedure.code} — {dossier.procedure.name}",
        status=_status(dossier.status),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        refusal_reason=refusal_reason(dossier=dossier),
        history=[
            EventOut(status=_status(e.status), at=e.at, note=e.note)
            for e in dossier_history(dossier=dossier)
        ],
    )
