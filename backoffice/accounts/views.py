"""Staff sign-in: password (throttled by django-axes), then a TOTP or backup code."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

import segno

from .forms import TokenForm
from .services import (
    backup_codes_regenerate,
    otp_verify,
    totp_device_confirm,
    totp_device_start,
    totp_secret_base32,
    user_has_confirmed_totp,
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("backoffice-home")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = False


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    if not user_has_confirmed_totp(user=request.user):
        return redirect(f"{reverse('accounts:otp-setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_verify(
            request=request, user=request.user, token=form.cleaned_data["token"]
        ):
            return redirect(_next_url(request))
        form.add_error(
            "token", _("Mã xác thực không đúng hoặc đã hết hạn. Hãy thử lại.")
        )
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    if user_has_confirmed_totp(user=request.user):
        return redirect(f"{reverse('accounts:otp-verify')}?next={_next_url(request)}")
    device = totp_device_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_device_confirm(
            request=request,
            user=request.user,
            device=device,
            token=form.cleaned_data["token"],
        )
        if codes is not None:
            messages.success(request, _("Đã bật xác thực hai bước cho tài khoản."))
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "token",
            _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại và thử lại."),
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=5, dark="#0b2e59"),
            "secret": totp_secret_base32(device=device),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def backup_codes_view(request: HttpRequest) -> HttpResponse:
    # Only reachable past the middleware's verified-staff gate (under /backoffice/).
    codes = None
    if request.method == "POST":
        codes = backup_codes_regenerate(user=request.user)
    return render(
        request, "accounts/backup_codes.html", {"codes": codes, "regenerate": True}
    )
