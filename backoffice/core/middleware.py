"""Request-body caps, applied before anything reads the body.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out, so without a cap any client
could make the server spool a body of any size to disk (the CSRF check alone reads
it). `RequestBodyLimitMiddleware` compares the declared Content-Length with the
cap of the route and answers 413 without reading a byte: ordinary forms get
`REQUEST_MAX_BODY_BYTES`, upload routes their upload limit plus a margin for the
other form fields. Django reads no more than Content-Length, so a body without
one (chunked) would be read as empty: it is refused with 411 instead.
docker/nginx.conf applies the same caps at the reverse proxy.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

View = TypeVar("View", bound=Callable[..., HttpResponse])

MIB = 1024 * 1024
# Room for the fields sent beside the files (applicant data, multipart headers).
FORM_FIELDS_MARGIN = MIB

# Routes that take uploads, by URL name.
DOSSIER_UPLOAD_ROUTES = frozenset(
    {
        "submission-fill",  # the online submission wizard, /nop-ho-so/<code>/
        "my-dossier-supplement",  # a citizen's supplement
        "staff-dossier-action",  # result files when staff complete a dossier
    }
)
SCAN_UPLOAD_ROUTES = frozenset({"scan-upload", "counter-scan-upload"})
# Wagtail admin screens with file fields: documents and images (upload, chooser
# upload), the page editor (the official document PDF), snippets (procedure
# templates, certificates, signing keys) and the procedure catalogue import.
ADMIN_UPLOAD_NAMESPACES = frozenset(
    {
        "wagtaildocs",
        "wagtaildocs_chooser",
        "wagtailimages",
        "wagtailimages_chooser",
        "wagtailadmin_pages",
    }
)
ADMIN_UPLOAD_NAMESPACE_PREFIX = "wagtailsnippets_"
ADMIN_UPLOAD_ROUTES = frozenset({"procedures-import"})


def accepts_body(setting: str) -> Callable[[View], View]:
    """Let a view take bodies up to `settings.<setting>` (plus the form margin)
    instead of REQUEST_MAX_BODY_BYTES: for the upload views of apps that core does
    not know (incoming desk, outgoing drafts, edXML packets)."""

    def mark(view: View) -> View:
        view.request_body_limit_setting = setting  # type: ignore[attr-defined]
        return view

    return mark


def _route(path: str) -> ResolverMatch | None:
    # The portal's URLs carry a language prefix that resolves only while that
    # language is active; LocaleMiddleware has not run yet.
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            return resolve(path)
        except Resolver404:
            return None


def _is_admin_upload(match: ResolverMatch) -> bool:
    return match.url_name in ADMIN_UPLOAD_ROUTES or any(
        namespace in ADMIN_UPLOAD_NAMESPACES
        or namespace.startswith(ADMIN_UPLOAD_NAMESPACE_PREFIX)
        for namespace in match.namespaces
    )


def request_body_limit(path: str) -> int:
    """The largest body, in bytes, the route at `path` accepts."""
    default = int(settings.REQUEST_MAX_BODY_BYTES)
    match = _route(path)
    if match is None:
        return default
    declared = getattr(match.func, "request_body_limit_setting", None)
    if declared:
        limit = int(getattr(settings, declared)) + FORM_FIELDS_MARGIN
    elif match.url_name in SCAN_UPLOAD_ROUTES:
        limit = int(settings.SCAN_MAX_FILE_BYTES) + FORM_FIELDS_MARGIN
    elif match.url_name in DOSSIER_UPLOAD_ROUTES or _is_admin_upload(match):
        limit = int(settings.UPLOAD_MAX_DOSSIER_BYTES) + FORM_FIELDS_MARGIN
    else:
        return default
    return max(limit, default)


def _content_length(request: HttpRequest) -> int | None:
    value = request.META.get("CONTENT_LENGTH")
    if value in (None, ""):
        return None
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0  # what Django itself reads from an invalid length: nothing


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") or "application/json" in (
        request.META.get("HTTP_ACCEPT", "")
    )


def _refusal(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": text}, status=status)
    page = format_html(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>{}</title></head><body><h1>{}</h1><p>{}</p></body></html>",
        title,
        title,
        text,
    )
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")


def _size(limit: int) -> str:
    return f"{limit / MIB:.0f} MB" if limit >= MIB else f"{limit // 1024} KB"


class RequestBodyLimitMiddleware:
    """413 for a body larger than its route accepts, 411 for one of unknown size.

    Must come before any middleware that reads the body (CsrfViewMiddleware does).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _content_length(request)
        if length is None:
            encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            if "chunked" in encoding:
                return _refusal(
                    request,
                    411,
                    _("Thiếu độ dài dữ liệu"),
                    _("Yêu cầu phải khai báo độ dài dữ liệu gửi lên (Content-Length)."),
                )
        elif length > settings.REQUEST_MAX_BODY_BYTES:
            limit = request_body_limit(request.path_info)
            if length > limit:
                return _refusal(
                    request,
                    413,
                    _("Dữ liệu gửi lên quá lớn"),
                    _(
                        "Dữ liệu gửi lên quá lớn: trang này chỉ nhận tối đa "
                        "%(limit)s. Hãy giảm dung lượng tệp rồi gửi lại."
                    )
                    % {"limit": _size(limit)},
                )
        return self.get_response(request)
