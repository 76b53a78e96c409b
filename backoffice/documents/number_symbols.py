"""Number-symbols of official documents (số, ký hiệu văn bản), DOMAIN.md.

Forms (Decree 30/2020 App. I; Law 80/2015 for legal documents):

- ``15/QĐ-UBND``: number / type abbreviation - issuer symbol;
- ``12/UBND-VX`` or ``05/BNV-VP``: a công văn has no type abbreviation, the symbol
  is the issuing agency and the drafting unit;
- ``15/2016/QĐ-UBND``: a legal document adds the year; ``80/2015/QH13`` (a law or
  a resolution of the National Assembly) names the legislature only.

Type abbreviations are case-sensitive and Đ ≠ D (``QĐ`` Quyết định, ``QyĐ`` Quy
định, ``TTr`` Tờ trình, ``TT`` Thông tư), so validation is exact, while
`number_symbol_key` folds everything for search and de-duplication.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from anyascii import anyascii

from backoffice.core.text import nfc
from backoffice.documents.constants import (
    ABBREVIATION_DOCUMENT_TYPES,
    COPY_FORM_ABBREVIATIONS,
    DOCUMENT_TYPE_ABBREVIATIONS,
    LEGAL_DOCUMENT_TYPES,
    CopyForm,
    DocumentType,
)

# Every abbreviation a symbol may start with: document types and copy forms
# (a copy's own number reads 05/SY-VP).
_ABBREVIATION_KINDS: dict[str, str] = {
    **ABBREVIATION_DOCUMENT_TYPES,
    **{abbr: str(form) for form, abbr in COPY_FORM_ABBREVIATIONS.items()},
}
_EXPECTED_ABBREVIATION: dict[str, str | None] = {
    **{str(k): v for k, v in DOCUMENT_TYPE_ABBREVIATIONS.items()},
    **{str(k): v for k, v in COPY_FORM_ABBREVIATIONS.items()},
}


def _kind_label(kind: str) -> str:
    # Looked up when an error is raised: evaluating the lazy labels at import
    # time would need the translation machinery before the app registry.
    if kind in CopyForm.values:
        return str(CopyForm(kind).label)
    return str(DocumentType(kind).label)


# Dash look-alikes that word processors substitute for the hyphen.
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d]")
_SPACED_SEPARATOR = re.compile(r"\s*([/-])\s*")
# Pasted from a document header: "Số: 15/QĐ-UBND".
_NUMBER_LABEL = re.compile(r"^số\s*[:.]?\s*", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_YEAR = re.compile(r"[0-9]{4}")
# A symbol part: letters and digits, "&" inside (SNN&PTNT); must hold a letter.
_PART = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
# National Assembly (Quốc hội khóa 13) and its Standing Committee: their laws and
# resolutions carry a year but no type abbreviation.
_LEGISLATURE = re.compile(r"(?:QH|UBTVQH)[0-9]+")

_FIRST_YEAR = 1945
_LAST_YEAR = 2100


@dataclass(frozen=True)
class NumberSymbol:
    """A parsed number-symbol; `text` is its canonical NFC spelling."""

    number: int
    year: int | None
    type_abbreviation: str | None
    issuer_symbol: str
    text: str

    @property
    def document_type(self) -> str | None:
        """The DocumentType value the abbreviation stands for (None: công văn
        or a law read without a type, or a copy)."""
        return ABBREVIATION_DOCUMENT_TYPES.get(self.type_abbreviation or "")

    @property
    def copy_form(self) -> str | None:
        """The CopyForm value when this is a copy's own number (05/SY-VP)."""
        for form, abbreviation in COPY_FORM_ABBREVIATIONS.items():
            if abbreviation == self.type_abbreviation:
                return str(form)
        return None

    @property
    def key(self) -> str:
        return number_symbol_key(self.text)


def _fold(text: str) -> str:
    return anyascii(text).lower()


# Abbreviations by their folded spelling, to suggest "QĐ" for "QD" or "qđ"; a
# folded spelling may stand for two (da: ĐA Đề án, DA Dự án).
_FOLDED_ABBREVIATIONS: dict[str, tuple[str, ...]] = {}
for _abbreviation in _ABBREVIATION_KINDS:
    _FOLDED_ABBREVIATIONS[_fold(_abbreviation)] = (
        *_FOLDED_ABBREVIATIONS.get(_fold(_abbreviation), ()),
        _abbreviation,
    )


def _error(detail: str) -> ValueError:
    return ValueError(
        _("Ký hiệu văn bản không hợp lệ: %(detail)s") % {"detail": detail}
    )


def _clean(text: str) -> str:
    text = nfc(text).strip()
    text = _NUMBER_LABEL.sub("", text)
    text = _DASHES.sub("-", text)
    return _SPACED_SEPARATOR.sub(r"\1", text)


def _near_misses(part: str) -> tuple[str, ...]:
    """The listed abbreviations `part` misspells (wrong case or D for Đ)."""
    if part in _ABBREVIATION_KINDS:
        return ()
    return _FOLDED_ABBREVIATIONS.get(_fold(part), ())


def _split_symbol(
    parts: list[str], document_type: str | None
) -> tuple[str | None, list[str]]:
    """Split the symbol into (type abbreviation, issuer parts)."""
    first = parts[0]
    if document_type is not None:
        expected = _EXPECTED_ABBREVIATION[document_type]
        label = _kind_label(document_type)
        if expected is None:
            # A công văn's symbol is the agency and unit only; an agency code may
            # well equal an abbreviation (CT-TTHT: Cục Thuế), so nothing to check.
            return None, parts
        if first == expected:
            return expected, parts[1:]
        if first in _ABBREVIATION_KINDS:
            other = _kind_label(_ABBREVIATION_KINDS[first])
            raise _error(
                _(
                    "'%(first)s' là ký hiệu của %(other)s, không phải %(label)s "
                    "(phải là '%(expected)s')"
                )
                % {"first": first, "other": other, "label": label, "expected": expected}
            )
        if expected in _near_misses(first):
            raise _error(
                _(
                    "loại văn bản '%(first)s' không có trong danh mục "
                    "(có phải '%(expected)s'?)"
                )
                % {"first": first, "expected": expected}
            )
        raise _error(
            _("thiếu ký hiệu loại văn bản '%(expected)s' của %(label)s")
            % {"expected": expected, "label": label}
        )
    if first in _ABBREVIATION_KINDS:
        return first, parts[1:]
    suggestions = _near_misses(first)
    if suggestions:
        options = _(" hoặc ").join(f"'{abbreviation}'" for abbreviation in suggestions)
        raise _error(
            _("loại văn bản '%(first)s' không có trong danh mục (có phải %(options)s?)")
            % {"first": first, "options": options}
        )
    return None, parts


def number_symbol_parse(text: str, *, document_type: str | None = None) -> NumberSymbol:
    """Parse and validate a number-symbol; raise ValueError (Vietnamese) if wrong.

    With `document_type` (a DocumentType or CopyForm value) the abbreviation must
    be that type's; without it, a leading listed abbreviation decides the type and
    anything else is read as a công văn. A missing leading zero is added.
    """
    if document_type is not None and document_type not in _EXPECTED_ABBREVIATION:
        raise _error(
            _("loại văn bản '%(document_type)s' không có trong danh mục")
            % {"document_type": document_type}
        )
    if not isinstance(text, str) or not text.strip():
        raise _error(_("chưa nhập số, ký hiệu"))
    cleaned = _clean(text)
    pieces = cleaned.split("/")
    if len(pieces) not in (2, 3):
        raise _error(
            _(
                "'%(text)s' phải có dạng Số/Ký hiệu, ví dụ 15/QĐ-UBND "
                "hoặc 15/2016/QĐ-UBND"
            )
            % {"text": cleaned}
        )
    number_text, symbol = pieces[0], pieces[-1]
    if not _DIGITS.fullmatch(number_text):
        raise _error(
            _("số văn bản '%(number_text)s' phải là chữ số")
            % {"number_text": number_text}
        )
    number = int(number_text)
    if number < 1:
        raise _error(_("số văn bản bắt đầu từ 01"))

    year: int | None = None
    if len(pieces) == 3:
        year_text = pieces[1]
        if not _YEAR.fullmatch(year_text):
            raise _error(
                _("năm ban hành '%(year_text)s' phải gồm 4 chữ số")
                % {"year_text": year_text}
            )
        year = int(year_text)
        if not _FIRST_YEAR <= year <= _LAST_YEAR:
            raise _error(_("năm ban hành %(year)s không hợp lý") % {"year": year})

    parts = symbol.split("-")
    for part in parts:
        if not part:
            raise _error(_("ký hiệu '%(symbol)s' có phần trống") % {"symbol": symbol})
        if not _PART.fullmatch(part) or part.isdigit():
            raise _error(
                _("phần ký hiệu '%(part)s' chứa ký tự không hợp lệ") % {"part": part}
            )

    abbreviation, issuer_parts = _split_symbol(parts, document_type)
    if not issuer_parts:
        raise _error(
            _("thiếu ký hiệu cơ quan ban hành sau '%(abbreviation)s'")
            % {"abbreviation": abbreviation}
        )
    issuer_symbol = "-".join(issuer_parts)

    if year is not None:
        kind = _ABBREVIATION_KINDS.get(abbreviation) if abbreviation else None
        if kind is None and document_type is not None:
            kind = document_type
        if kind is not None and kind not in LEGAL_DOCUMENT_TYPES:
            raise _error(
                _(
                    "%(kind)s không phải văn bản quy phạm pháp luật "
                    "nên không ghi năm ban hành trong số, ký hiệu"
                )
                % {"kind": _kind_label(kind)}
            )
        if abbreviation is None and not _LEGISLATURE.fullmatch(issuer_symbol):
            if kind == DocumentType.LUAT:
                raise _error(
                    _("ký hiệu của Luật là Quốc hội và khóa, ví dụ 80/2015/QH13")
                )
            raise _error(
                _(
                    "văn bản quy phạm pháp luật (có năm ban hành) phải có ký hiệu "
                    "loại văn bản, ví dụ 15/2016/QĐ-UBND"
                )
            )
    elif document_type == DocumentType.LUAT:
        raise _error(_("số, ký hiệu của Luật phải có năm ban hành, ví dụ 80/2015/QH13"))

    head = f"{number:02d}" if year is None else f"{number:02d}/{year}"
    tail = issuer_symbol if abbreviation is None else f"{abbreviation}-{issuer_symbol}"
    return NumberSymbol(
        number=number,
        year=year,
        type_abbreviation=abbreviation,
        issuer_symbol=issuer_symbol,
        text=f"{head}/{tail}",
    )


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def number_symbol_key(text: str) -> str:
    """A folded search and de-duplication key: 15/2016/QĐ-UBND, 15/2016/qd-ubnd
    and "15 2016 QD UBND" all give "15-2016-qd-ubnd".

    Deliberately lossy (Đ = D, any case, any separator, no leading zeros), so it
    never validates anything: ĐA (Đề án) and DA (Dự án) share a key. The same
    number recurs every year, so a unique import key needs the issuer and the
    year of issue as well.
    """
    folded = anyascii(nfc(text)).lower()
    tokens = [token for token in _NON_ALNUM.split(folded) if token]
    return "-".join(str(int(t)) if t.isdigit() else t for t in tokens)
