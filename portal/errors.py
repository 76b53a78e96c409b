"""The site's answer to an unknown address (Django's `handler404`).

Pages get the portal's own 404 page (templates: `404.html`); paths under `/api/`
keep the API's error body `{"detail", "code"}` (portal/api/errors.py), so a client
that mistypes an operation still gets JSON.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from portal.api.errors import ErrorCode


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("Không có địa chỉ này trong API. Xem mục lục ở /api/v1/."),
                "code": ErrorCode.NOT_FOUND,
            },
            status=404,
        )
    return defaults.page_not_found(request, exception)
