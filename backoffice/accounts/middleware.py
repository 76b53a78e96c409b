"""Mandatory two-factor authentication for staff.

Every path of the back office, the Wagtail admin and the Django admin needs a staff
session verified with a TOTP or backup code. A staff member without a confirmed TOTP
device is sent to enrol one; one with a device is sent to enter a code.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .services import user_has_confirmed_totp

PROTECTED_PREFIXES = ("/backoffice/", "/admin/", "/django-admin/")
OPEN_PREFIXES = ("/backoffice/account/",)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(PROTECTED_PREFIXES) and not path.startswith(OPEN_PREFIXES):
            user = request.user
            if not user.is_authenticated:
                return _redirect("accounts:login", path)
            if not user.is_staff:
                return _redirect("accounts:login", path)
            if not user.is_verified():
                if user_has_confirmed_totp(user=user):
                    return _redirect("accounts:otp-verify", path)
                return _redirect("accounts:otp-setup", path)
        return self.get_response(request)


def _redirect(name: str, next_path: str) -> HttpResponse:
    return redirect(f"{reverse(name)}?{urlencode({'next': next_path})}")
