import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest

from django_ratelimit.core import is_ratelimited
from ninja import Router, Schema
from ninja.errors import HttpError

from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.selectors import dossier_history, dossier_public_lookup

router = Router(tags=["dossiers"])


class StatusOut(Schema):
    code: int
    label: str


class EventOut(Schema):
    status: StatusOut
    at: dt.datetime
    note: str


class DossierStatusOut(Schema):
    code: str
    procedure: str
    status: StatusOut
    received_at: dt.datetime
    due_at: dt.datetime
    history: list[EventOut]


def _status(value: int) -> StatusOut:
    return StatusOut(code=value, label=str(DossierStatus(value).label))


def lookup_throttled(request: HttpRequest) -> bool:
    """Shared by the HTML lookup and this API: per client IP (DOSSIER_LOOKUP_RATE)."""
    return is_ratelimited(
        request,
        group="dossier-lookup",
        key="ip",
        rate=settings.DOSSIER_LOOKUP_RATE,
        increment=True,
    )


@router.get(
    "/{code}/status",
    response=DossierStatusOut,
    summary="Tình trạng hồ sơ (mã hồ sơ + mã tra cứu trên giấy tiếp nhận)",
)
def dossier_status(
    request: HttpRequest, code: str, secret: str = ""
) -> DossierStatusOut:
    if lookup_throttled(request):
        raise HttpError(429, "Tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.")
    dossier = dossier_public_lookup(code=code, secret=secret)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập.")
    return DossierStatusOut(
        code=dossier.code,
        procedure=f"{dossier.procedure.code} — {dossier.procedure.name}",
        status=_status(dossier.status),
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        history=[
            EventOut(status=_status(e.status), at=e.at, note=e.note)
            for e in dossier_history(dossier=dossier)
        ],
    )
