"""The API's one error body: `{"detail": "...", "code": "..."}`.

`detail` is for people, in the language the request asked for (`Accept-Language`,
see `language.py`); `code` is for programs and never changes with the language.
Every operation declares the error statuses it answers with `error_responses()`,
and the handlers `install_error_handlers()` adds turn every error ninja or a view
raises into this body (422 adds `errors`, one entry per invalid value).
"""

from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError


class ErrorCode:
    """The machine codes `code` takes."""

    BAD_REQUEST = "bad_request"  # 400: valid parameters the server cannot serve
    NOT_FOUND = "not_found"  # 404
    INVALID = "invalid"  # 422: a parameter does not match the schema
    THROTTLED = "throttled"  # 429: too many requests from this client
    ERROR = "error"  # any other status


# The code an error gets when whoever raised it did not choose one.
CODE_BY_STATUS = {
    400: ErrorCode.BAD_REQUEST,
    404: ErrorCode.NOT_FOUND,
    422: ErrorCode.INVALID,
    429: ErrorCode.THROTTLED,
}


class ErrorOut(Schema):
    detail: str = Field(
        description="What went wrong, in the language of `Accept-Language` "
        "(Vietnamese by default, or English)."
    )
    code: str = Field(
        description="Machine-readable, the same in every language: `bad_request` "
        "(400), `not_found` (404), `invalid` (422), `throttled` (429).",
        examples=["not_found"],
    )


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(
        description="Where: the part of the request, then the parameter name."
    )
    msg: str = Field(description="The validator's message (English).")
    type: str = Field(description="The validator's error type, e.g. `int_parsing`.")


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut] = Field(description="One entry per invalid value.")


class ApiError(HttpError):
    """An HTTP error with a chosen `code`; `detail` should already be translated."""

    def __init__(self, status_code: int, detail: str, code: str) -> None:
        super().__init__(status_code, detail)
        self.code = code


def error_responses(*statuses: int) -> dict[int, Any]:
    """The `response=` entries of the error statuses an operation answers."""
    return {
        status: ValidationErrorOut if status == 422 else ErrorOut for status in statuses
    }


def _body(detail: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, **extra}


def _field_name(loc: Sequence[Any]) -> str:
    # ("query", "page_size") -> "page_size"; a nested location keeps its path.
    parts = [str(part) for part in loc[1:]] or [str(part) for part in loc]
    return ".".join(parts)


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default error bodies with the one shape above."""

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "loc": list(error.get("loc", ())),
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in exc.errors
        ]
        names = ", ".join(dict.fromkeys(_field_name(e["loc"]) for e in errors))
        detail = _("Tham số không hợp lệ: %(names)s.") % {"names": names}
        return api.create_response(
            request, _body(detail, ErrorCode.INVALID, errors=errors), status=422
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = getattr(exc, "code", None) or CODE_BY_STATUS.get(
            exc.status_code, ErrorCode.ERROR
        )
        return api.create_response(
            request, _body(str(exc), code), status=exc.status_code
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, _body(_("Không tìm thấy."), ErrorCode.NOT_FOUND), status=404
        )
