"""The register fields (Art. 10.1.b): one cleaner for metadata, forms and scripts."""

import datetime as dt
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from backoffice.documents.constants import DOCUMENT_TYPE_ABBREVIATIONS
from backoffice.documents.number_symbols import number_symbol_key

from .checks import IncomingRejected
from .constants import METADATA_FIELDS, Confidentiality, DocumentType, Urgency

TEXT_LIMITS = {
    "issuer_name": 255,
    "issuer_code": 35,
    "number_symbol": 100,
    "field": 200,
    "signer_name": 200,
    "signer_position": 200,
    "storage_location": 255,
    "subject": 5000,
    "notes": 5000,
}
LABELS = {
    "issuer_name": "cơ quan ban hành",
    "issuer_code": "mã cơ quan ban hành",
    "number_symbol": "số, ký hiệu",
    "issued_on": "ngày văn bản",
    "document_type": "loại văn bản",
    "field": "lĩnh vực",
    "subject": "trích yếu",
    "urgency": "độ khẩn",
    "confidentiality": "độ mật",
    "signer_name": "người ký",
    "signer_position": "chức vụ người ký",
    "page_count": "số trang",
    "deadline": "hạn xử lý",
    "storage_location": "nơi lưu",
    "notes": "ghi chú",
}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _choice(value: str, choices: Any, extra: Mapping[str, str] | None = None) -> str:
    folded = _fold(value)
    for slug, label in choices.choices:
        if folded in (_fold(slug), _fold(str(label))):
            return slug
    for abbreviation, slug in (extra or {}).items():
        if value.strip() == abbreviation:
            return slug
    raise ValueError(value)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for parse in (
        dt.date.fromisoformat,
        lambda v: dt.datetime.strptime(v, "%d/%m/%Y").date(),
        lambda v: dt.datetime.strptime(v, "%Y/%m/%d").date(),
    ):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValueError(text)


_ABBREVIATIONS = {
    abbreviation: slug
    for slug, abbreviation in DOCUMENT_TYPE_ABBREVIATIONS.items()
    if abbreviation
}


def register_fields_clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """Typed, NFC values of the given register fields; IncomingRejected listing
    every unknown key and bad value. Keys absent from `data` are absent here."""
    errors: list[str] = []
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key not in METADATA_FIELDS:
            errors.append(_("Trường “%(key)s” không có trong sổ.") % {"key": key})
            continue
        label = LABELS[key]
        try:
            if key in ("issued_on", "deadline"):
                cleaned[key] = _date(value)
            elif key == "page_count":
                if value in (None, ""):
                    cleaned[key] = None
                else:
                    number = int(str(value).strip())
                    if not 0 < number < 100_000:
                        raise ValueError(value)
                    cleaned[key] = number
            elif key == "document_type":
                cleaned[key] = (
                    _choice(str(value), DocumentType, _ABBREVIATIONS) if value else ""
                )
            elif key == "urgency":
                cleaned[key] = _choice(str(value), Urgency) if value else Urgency.NORMAL
            elif key == "confidentiality":
                cleaned[key] = (
                    _choice(str(value), Confidentiality)
                    if value
                    else Confidentiality.NORMAL
                )
            else:
                text = unicodedata.normalize("NFC", str(value or "")).strip()
                if len(text) > TEXT_LIMITS[key]:
                    errors.append(
                        _("“%(label)s” dài quá %(limit)s ký tự.")
                        % {"label": label, "limit": TEXT_LIMITS[key]}
                    )
                    continue
                cleaned[key] = text
        except (ValueError, TypeError):
            errors.append(
                _("Giá trị “%(value)s” của “%(label)s” không hợp lệ.")
                % {"value": str(value)[:80], "label": label}
            )
    if errors:
        raise IncomingRejected(errors)
    return cleaned


def symbol_key(number_symbol: str) -> str:
    return number_symbol_key(number_symbol) if number_symbol else ""


def issuer_fold(issuer: str) -> str:
    return " ".join(_fold(issuer).split())
