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


# Mã số thuế (MST) of an organisation or business (Thông tư 105/2020/TT-BTC):
# ten digits whose last one is a check digit, or those ten and a three-digit
# branch suffix (chi nhánh, đơn vị phụ thuộc), written "0100109106-001".
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_CODE = re.compile(r"^(\d{10})(?:-?(\d{3}))?$")


def tax_code_check_digit(first_nine: str) -> int | None:
    """The tenth digit for nine digits, or None when no digit can be valid."""
    total = sum(int(d) * w for d, w in zip(first_nine, TAX_CODE_WEIGHTS, strict=True))
    digit = 10 - total % 11
    return None if digit == 10 else digit


def tax_code_normalise(value: str) -> str:
    """ " 0100109106 001 " → "0100109106-001"; raises ValidationError if invalid."""
    compact = re.sub(r"[\s.]", "", value or "")
    match = _TAX_CODE.fullmatch(compact)
    if match is None:
        raise ValidationError(
            _(
                "Mã số thuế “%(value)s” không hợp lệ: cần 10 chữ số, hoặc 10 chữ số "
                "và 3 chữ số của đơn vị phụ thuộc (ví dụ 0100109106-001)."
            ),
            code="invalid_tax_code",
            params={"value": value},
        )
    main, branch = match.groups()
    if tax_code_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            _("Mã số thuế “%(value)s” sai chữ số kiểm tra; hãy xem lại từng chữ số."),
            code="invalid_tax_code_checksum",
            params={"value": value},
        )
    if branch == "000":
        raise ValidationError(
            _("Mã số thuế “%(value)s”: số thứ tự đơn vị phụ thuộc bắt đầu từ 001."),
            code="invalid_tax_code_branch",
            params={"value": value},
        )
    return f"{main}-{branch}" if branch else main


def validate_tax_code(value: str) -> None:
    tax_code_normalise(value)
