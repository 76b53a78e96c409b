"""A URL configuration with the portal's account and dossier pages moved under
/cong/: links that backoffice builds must follow it (they are resolved by name,
not written as literals)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

urlpatterns = i18n_patterns(
    path("cong/tai-khoan/", include("portal.accounts.urls")),
    path("cong/", include("portal.dossiers.urls")),
    prefix_default_language=False,
)
