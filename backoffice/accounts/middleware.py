"""Mandatory two-factor authentication for staff.

Every path of the back office, the Wagtail admin and the Django admin needs a staff
session verified with a TOTP or backup code. A staff member without a confirmed TOTP
device is sent to enrol one; one with a device is sent to enter a code.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

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


class StaffSessionExpiryMiddleware:
    """Staff sessions end after an idle period and at an absolute limit.

    A back-office session left open on a shared counter PC must not stay usable:
    `STAFF_SESSION_IDLE_SECONDS` without a request, or `STAFF_SESSION_MAX_SECONDS`
    after sign-in, signs the staff member out (citizens are not affected).
    """

    SINCE, SEEN = "_staff_session_since", "_staff_session_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = time.time()
            session = request.session
            since = session.setdefault(self.SINCE, now)
            seen = session.get(self.SEEN, now)
            if (
                now - seen > settings.STAFF_SESSION_IDLE_SECONDS
                or now - since > settings.STAFF_SESSION_MAX_SECONDS
            ):
                logout(request)
                messages.info(
                    request, _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.")
                )
                if request.path_info.startswith(PROTECTED_PREFIXES):
                    return _redirect("accounts:login", request.path_info)
            elif now - seen > 30 or self.SEEN not in session:
                # Written at most every 30 s: idle time needs no finer grain.
                session[self.SEEN] = now
        return self.get_response(request)
