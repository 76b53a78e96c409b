"""Sign-in with the national identity: the redirect to the provider and the
callback, mozilla-django-oidc's views with the portal's answers."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

import requests
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from backoffice.accounts.oidc import oidc_enabled

logger = logging.getLogger(__name__)


class CitizenOIDCStartView(OIDCAuthenticationRequestView):
    """Send the citizen to the provider (state, nonce and PKCE kept in session)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().get(request)


class CitizenOIDCCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: sign in, or say plainly that it did not work."""

    @property
    def success_url(self) -> str:
        return self.request.session.get("oidc_login_next") or reverse("my-dossiers")

    @property
    def failure_url(self) -> str:
        return reverse("citizen-login")

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _(
                "Không đăng nhập được bằng %(provider)s: phiên đăng nhập không hợp "
                "lệ hoặc đã hết hạn. Hãy thử lại từ nút “Đăng nhập bằng "
                "%(provider)s”."
            )
            % {"provider": settings.OIDC_PROVIDER_NAME},
        )
        return super().login_failure()

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, IntegrityError) as exc:
            # A forged state, a replayed or foreign code, a token for another
            # client, or the same first sign-in racing itself: refused, nobody
            # is signed in.
            logger.warning("OIDC sign-in refused: %s", exc)
            return self.login_failure()
