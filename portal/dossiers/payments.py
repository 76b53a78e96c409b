"""Paying a fee: start (owner), the fake provider's checkout page, the callback.

The checkout page stands in for the outside gateway (PAYMENT_PROVIDER "fake"): it
is served only while that provider is configured. The callback is the address the
gateway sends the applicant back to; its signed result is checked by the provider
class in `payment_callback`.
"""

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.dossiers.selectors import dossier_of_citizen
from backoffice.payments.constants import PaymentState
from backoffice.payments.models import Payment
from backoffice.payments.providers import FakeProvider, provider_get
from backoffice.payments.services import payment_callback, payment_start
from portal.accounts.views import citizen_required


@citizen_required
@require_POST
def pay(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_of_citizen(user=request.user, code=code)
    if dossier is None:
        raise Http404
    try:
        _payment, url = payment_start(
            dossier=dossier,
            actor=request.user,
            return_url=request.build_absolute_uri(reverse("payment-callback")),
        )
    except (ValidationError, PermissionDenied) as exc:
        for error in getattr(exc, "messages", [str(exc)]):
            messages.error(request, error)
        return redirect("my-dossier", code=code)
    return redirect(url)


@never_cache
@require_http_methods(["GET", "POST"])
def fake_gateway(request: HttpRequest, reference: str) -> HttpResponse:
    """The fake provider's checkout: pay or cancel, then back to our callback."""
    provider = provider_get()
    if not isinstance(provider, FakeProvider):
        raise Http404
    payment = (
        Payment.objects.select_related("dossier__procedure")
        .filter(provider_reference=reference, provider=provider.name)
        .first()
    )
    if payment is None:
        raise Http404
    back = request.GET.get("return", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("payment-callback")
    if request.method == "POST" and payment.state == PaymentState.PENDING:
        code = "00" if request.POST.get("outcome") == "pay" else "24"
        result = provider.result_sign(
            reference=payment.provider_reference,
            amount=payment.amount,
            transaction=f"FAKE{secrets.token_hex(6).upper()}",
            code=code,
        )
        return redirect(f"{back}?{urlencode(result)}")
    return render(
        request,
        "portal/dossiers/fake_gateway.html",
        {"payment": payment, "provider": provider},
    )


@never_cache
@require_http_methods(["GET"])
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's signed result: applied once, or refused with a reason."""
    try:
        payment = payment_callback(data=request.GET.dict())
    except ValidationError as exc:
        return render(
            request,
            "portal/dossiers/payment_result.html",
            {"errors": exc.messages},
            status=400,
        )
    if payment.state == PaymentState.PAID:
        messages.success(
            request,
            _("Đã thanh toán. Biên lai số %(number)s.")
            % {"number": payment.receipt_number},
        )
    else:
        messages.warning(
            request,
            _("Chưa thanh toán: %(state)s.") % {"state": payment.get_state_display()},
        )
    return redirect("my-dossier", code=payment.dossier.code)


__all__ = ["callback", "fake_gateway", "pay"]
