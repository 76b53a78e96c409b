"""Text normalisation shared by the backends (no engine imports here)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from anyascii import anyascii

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# A number-symbol inside free text: digits joined to letters/digits by / - . or _,
# e.g. 15/2016/QĐ-UBND, 05/2025/NĐ-CP, 12/UBND-VX, 2.000635.
IDENTIFIER_IN_TEXT = re.compile(r"\w*\d[\w.\-/_]*[/\-_.][\w.\-/_]*\w", re.UNICODE)


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Lowercase ASCII transliteration: 'Đăng ký' -> 'dang ky'."""
    return anyascii(nfc(value)).lower()


def normalize_identifier(value: str) -> str:
    """'15/2016/QĐ-UBND', '15/2016/qd-ubnd' and '15 2016 QD UBND' -> '152016qdubnd'."""
    return _NOT_ALNUM.sub("", fold(value))


def identifiers_in(text: str) -> list[str]:
    """Normalised number-symbols written inside a free-text query."""
    found = {
        normalize_identifier(m.group(0)) for m in IDENTIFIER_IN_TEXT.finditer(text)
    }
    return sorted(value for value in found if value)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return [v for v in value if v is not None]
    return [value]


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, str):
        return nfc(value)
    return value
