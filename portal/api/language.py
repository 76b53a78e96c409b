"""The API answers in the language `Accept-Language` asks for: Vietnamese (the
default) or English — error `detail`s and the labels inside results alike.

LocaleMiddleware cannot choose it here: with `i18n_patterns(...,
prefix_default_language=False)` it serves every path without a language prefix,
/api/v1/ included, in LANGUAGE_CODE whatever the header says.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

Run = Callable[..., HttpResponse]


def in_request_language(run: Run) -> Run:
    """Wrap an operation (validation, view and error handlers) in the language of
    the request; the response says which in `Content-Language`."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = run(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response

    return wrapper
