"""The clerk's exchange page (liên thông văn bản): documents sent by edXML with
each recipient's statuses, recall requests to decide, packets that failed.
Staff only (2FA middleware on /backoffice/); writes go through the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.outgoing.models import OutgoingDocument

from .constants import STATUS_LABELS
from .outbound import ExchangeRejected, packet_retry
from .recall import recall_decide, recall_request
from .selectors import (
    exchange_agencies,
    packets_failed,
    recalls_received,
    sent_documents,
)


def _staff(request: HttpRequest) -> None:
    if (
        not request.user.is_authenticated
        or not exchange_agencies(user=request.user).exists()
    ):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def exchange_home(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(
        request,
        "exchange/home.html",
        {
            "sent": sent_documents(user=request.user),
            "recalls": recalls_received(user=request.user),
            "failed": packets_failed(user=request.user)[:100],
            "labels": STATUS_LABELS,
        },
    )


@require_POST
def recall_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    recall = recalls_received(user=request.user).filter(pk=pk).first()
    if recall is None:
        raise Http404
    agree = request.POST.get("decision") == "agree"
    try:
        recall_decide(
            recall=recall,
            agree=agree,
            note=request.POST.get("note", ""),
            actor=request.user,
        )
    except ExchangeRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã đồng ý thu hồi văn bản.") if agree else _("Đã từ chối thu hồi."),
        )
    return redirect("exchange-home")


@require_POST
def recall_request_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    document = OutgoingDocument.objects.filter(
        pk=pk, agency__in=exchange_agencies(user=request.user)
    ).first()
    if document is None:
        raise Http404
    try:
        recall_request(
            document=document, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ExchangeRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã gửi đề nghị thu hồi văn bản."))
    return redirect("exchange-home")


@require_POST
def packet_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    packet = packets_failed(user=request.user).filter(pk=pk).first()
    if packet is None:
        raise Http404
    try:
        packet_retry(packet=packet, actor=request.user)
    except ExchangeRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xếp gói tin để gửi lại."))
    return redirect("exchange-home")
