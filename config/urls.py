from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import statistics as portal_statistics
from portal.api import api

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("backoffice/", include("backoffice.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("exchange/v1/", include("backoffice.exchange.api_urls")),
    # National sign-in (OpenID Connect): one callback address for every language.
    path("oidc/", include("portal.accounts.oidc_urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
else:
    # Public media only: the procedures' blank forms ("mẫu đơn, tờ khai"). Dossier
    # files are never served from /media/ (their views check who asks).
    urlpatterns += [
        re_path(
            r"^media/(?P<path>procedures/templates/[^/]+)$",
            lambda request, path: serve(request, path, settings.MEDIA_ROOT),
        )
    ]

# Portal pages: Vietnamese at /, English at /en/.
urlpatterns += i18n_patterns(
    # Procedure codes contain a dot (2.000635), which Wagtail's own pattern refuses;
    # this is the same serve view with dots allowed in a path segment.
    path("tai-khoan/", include("portal.accounts.urls")),
    path("", include("portal.dossiers.urls")),
    path("", include("portal.submission.urls")),
    path("thong-ke/", portal_statistics.statistics_page, name="public-statistics"),
    re_path(r"^((?:[\w\-.]+/)*)$", wagtail_views.serve, name="portal_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

# Unexpected failures: 503 with Retry-After when the database is away, else 500.
handler500 = "backoffice.core.errors.server_error"
# Unknown addresses: the portal's 404 page, or the API's JSON error under /api/.
handler404 = "portal.errors.page_not_found"
