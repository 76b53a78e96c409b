"""The site's answer when a request fails unexpectedly (Django's `handler500`).

A database that is unreachable or restarting is not a bug of the request: the
answer is 503 with `Retry-After`, in the API's error shape for `/api/`, and a
page that needs no database (the normal templates read the header menu from it).
Anything else is a plain 500 without details.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 10


def _database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    unavailable = _database_unavailable(sys.exc_info()[1])
    status = 503 if unavailable else 500
    detail = (
        _("Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau ít phút.")
        if unavailable
        else _("Đã có lỗi xảy ra. Vui lòng thử lại sau.")
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": detail, "code": "unavailable" if unavailable else "error"},
            status=status,
        )
    else:
        html = loader.get_template("errors/server_error.html").render(
            {"detail": detail, "status": status}
        )
        response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageFilter(logging.Filter):
    """One line instead of a traceback per request while the database is away:
    the outage is the operator's news, not every request that met it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and _database_unavailable(record.exc_info[1]):
            record.msg = (
                f"{record.getMessage()} (database unavailable: {record.exc_info[1]})"
            )
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
