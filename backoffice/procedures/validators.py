import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .constants import ACCEPTED_FORMATS, PROCEDURE_CODE_RE


def validate_procedure_code(code: str) -> None:
    if not PROCEDURE_CODE_RE.fullmatch(code or ""):
        raise ValidationError(
            _(
                "Mã thủ tục “%(code)s” không hợp lệ: cần một chữ số, dấu chấm và sáu "
                "chữ số (ví dụ 2.000635)."
            ),
            code="invalid_procedure_code",
            params={"code": code},
        )


def validate_formats(value: str) -> None:
    unknown = [f for f in parse_formats(value) if f not in ACCEPTED_FORMATS]
    if unknown:
        raise ValidationError(
            _("Định dạng không hỗ trợ: %(formats)s. Cho phép: %(allowed)s."),
            code="invalid_format",
            params={
                "formats": ", ".join(unknown),
                "allowed": ", ".join(ACCEPTED_FORMATS),
            },
        )


def parse_formats(value: str) -> list[str]:
    """ "pdf, .JPG;png" → ["pdf", "jpg", "png"]."""
    return [f.lower().lstrip(".") for f in re.split(r"[,;\s]+", value) if f.strip(" .")]
