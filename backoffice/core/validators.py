"""Agency identifier codes (mã định danh), in the two formats of DOMAIN.md."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# QCVN 102:2016: `000.00.00.H49` — levels 4.3.2 then the level-1 code (letter + 2
# digits, `H` = provincial People's Committee), 13 characters.
QCVN_102_2016 = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
# QĐ 20/2020: level-1 code leftmost (`G09`), then dot groups, at most 35 characters.
QD_20_2020 = re.compile(r"^[A-Z]\d{2}(\.[0-9A-Z]{1,4})*$")
QD_20_2020_MAX_LENGTH = 35


def is_valid_agency_code(code: str) -> bool:
    if QCVN_102_2016.fullmatch(code):
        return True
    return len(code) <= QD_20_2020_MAX_LENGTH and bool(QD_20_2020.fullmatch(code))


def validate_agency_code(code: str) -> None:
    if not is_valid_agency_code(code):
        raise ValidationError(
            _(
                "Mã định danh “%(code)s” không hợp lệ. Dùng dạng QCVN 102:2016 "
                "(ví dụ 000.00.00.H49) hoặc dạng QĐ 20/2020 (ví dụ G09.20)."
            ),
            code="invalid_agency_code",
            params={"code": code},
        )


# Số định danh cá nhân (the number on the chip-based citizen ID card): 12 digits.
validate_citizen_id = RegexValidator(
    r"^\d{12}$",
    _("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."),
    code="invalid_citizen_id",
)
