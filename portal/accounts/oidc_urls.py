"""OIDC sign-in URLs, outside the language prefix: the provider calls back to
exactly one registered address, <site>/oidc/callback/."""

from django.urls import path

from .oidc import CitizenOIDCCallbackView, CitizenOIDCStartView

urlpatterns = [
    path(
        "authenticate/",
        CitizenOIDCStartView.as_view(),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        CitizenOIDCCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
]
