"""Text that people type (công dân nhập): one cleaning for every citizen field.

TCVN 6909:2001 (DOMAIN.md, Art. 5.2.b) asks for Unicode NFC. What reaches a form
is often not: names typed with an old TCVN3 or VNI keyboard setting ("NguyÔn V¨n
An"), decomposed (NFD) text from some phones and Macs, and characters nobody can
see — zero-width spaces and joiners, bidi controls that reorder what staff read,
byte-order marks pasted from documents. `clean_typed_text` converts the first
two and refuses the last, so what is stored is what the citizen saw, searchable
like any other text.
"""

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .legacy_text import legacy_to_unicode

# Characters of a category that is otherwise allowed but that render as nothing
# (fillers and joiners some input methods and spammers use).
_INVISIBLE = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160"  # Hangul choseong / jungseong fillers
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u3164"  # Hangul filler
    "\uffa0"  # half-width Hangul filler
)
# Format (Cf: zero-width, bidi, BOM, soft hyphen, tags…), private use, surrogates
# and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cf", "Co", "Cs", "Cn"})
# What breaks a line or aligns it: allowed in a text area only.
_LINE_BREAKS = ("\r\n", "\r", "\u2028", "\u2029")
_MULTILINE_CONTROLS = frozenset("\n\t")


def nfc(value: str | None) -> str:
    """The text in Unicode NFC (TCVN 6909:2001); None becomes "".

    The one normaliser of the back office: what staff, scanners and imports write
    is stored composed, so search and comparison see one spelling of each letter.
    """
    return unicodedata.normalize("NFC", value or "")


def clean_typed_text(value: str | None, *, multiline: bool = False) -> str:
    """The NFC text a citizen meant, or ValidationError (Vietnamese) when it holds a
    control character or one that cannot be seen.

    Legacy-encoded Vietnamese (TCVN3, VNI, Windows-1258, VISCII, read as
    Windows-1252) is converted to Unicode when detected; every Unicode space becomes
    an ordinary space and surrounding white space is removed. Line breaks and tabs
    are allowed only when `multiline` (CR LF, CR and the Unicode line and paragraph
    separators become LF).
    """
    text = legacy_to_unicode(value or "")
    for line_break in _LINE_BREAKS:
        text = text.replace(line_break, "\n")
    text = "".join(
        " " if unicodedata.category(char) == "Zs" else char for char in text
    ).strip()
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and char in _MULTILINE_CONTROLS and not multiline:
            raise ValidationError(
                _("Trường này chỉ nhận một dòng: không xuống dòng, không có tab."),
                code="single_line",
            )
        if category == "Cc" and char not in _MULTILINE_CONTROLS:
            raise ValidationError(
                _(
                    "Nội dung có ký tự điều khiển (%(char)s). Hãy xóa và gõ lại, "
                    "không dán từ tài liệu khác."
                ),
                code="control_character",
                params={"char": _code_point(char)},
            )
        if category in _REFUSED_CATEGORIES or char in _INVISIBLE:
            raise ValidationError(
                _(
                    "Nội dung có ký tự ẩn không nhìn thấy được (%(char)s). Hãy xóa "
                    "và gõ lại, không dán từ tài liệu khác."
                ),
                code="invisible_character",
                params={"char": _code_point(char)},
            )
    return text


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


class NFCFormMixin:
    """A form whose every text value is stored NFC and stripped (staff forms)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = nfc(value).strip()
        return data


class TypedTextMixin(forms.Field):
    """A form field whose value goes through `clean_typed_text` before its
    validators run (so max_length counts the converted NFC text). Mixed in before
    a concrete field class."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            return clean_typed_text(value, multiline=self.multiline)
        return value


class TypedCharField(TypedTextMixin, forms.CharField):
    """A CharField for text a citizen types."""


class TypedEmailField(TypedTextMixin, forms.EmailField):
    """An e-mail address a citizen types (no invisible characters)."""


def typed_text_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A ModelForm `formfield_callback`: model text fields become typed-text fields
    (a TextField allows several lines), anything else keeps its usual form field."""
    if db_field.choices:
        return db_field.formfield(**kwargs)
    if isinstance(db_field, models.EmailField):
        return db_field.formfield(form_class=TypedEmailField, **kwargs)
    if isinstance(db_field, models.TextField):
        return db_field.formfield(form_class=TypedCharField, multiline=True, **kwargs)
    if type(db_field) is models.CharField:
        return db_field.formfield(form_class=TypedCharField, **kwargs)
    return db_field.formfield(**kwargs)
