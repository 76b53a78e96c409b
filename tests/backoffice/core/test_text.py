"""clean_typed_text: what citizens type is stored as the NFC text they meant."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

import pytest

from backoffice.accounts.models import User
from backoffice.core import legacy_text as core_legacy_text
from backoffice.core.text import (
    TypedCharField,
    TypedEmailField,
    clean_typed_text,
    typed_text_formfield,
)
from backoffice.documents import legacy_text as documents_legacy_text


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("NguyÔn V¨n An", "Nguyễn Văn An"),  # TCVN3 (ABC) read as Windows-1252
        ("TrÇn ThÞ Mai", "Trần Thị Mai"),
        ("Nguyeãn Vaên An", "Nguyễn Văn An"),  # VNI
        (unicodedata.normalize("NFD", "Nguyễn Văn An"), "Nguyễn Văn An"),
        ("  Lê Thị Hồng\u00a0Nhung \u3000", "Lê Thị Hồng Nhung"),
    ],
)
def test_legacy_decomposed_and_padded_text_becomes_nfc(typed: str, meant: str) -> None:
    cleaned = clean_typed_text(typed)
    assert cleaned == meant
    assert unicodedata.is_normalized("NFC", cleaned)


@pytest.mark.parametrize(
    "text",
    [
        "Nguyen Van An",
        "Trần Thị Mai",
        "Hà Thị Mai",
        "Tô Ánh",
        "Ông Bà",
        "José Müller",
        "Số 5, ấp Hòa Mỹ, Phường 2",
        "094195004321",
        "",
    ],
)
def test_clean_text_is_left_as_it_is(text: str) -> None:
    assert clean_typed_text(text) == text


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\u200b", "invisible_character"),  # zero-width space
        ("\u200c", "invisible_character"),  # zero-width non-joiner
        ("\u200d", "invisible_character"),  # zero-width joiner
        ("\u2060", "invisible_character"),  # word joiner
        ("\ufeff", "invisible_character"),  # byte-order mark
        ("\u00ad", "invisible_character"),  # soft hyphen
        ("\u202e", "invisible_character"),  # right-to-left override
        ("\u2066", "invisible_character"),  # left-to-right isolate
        ("\u200f", "invisible_character"),  # right-to-left mark
        ("\u3164", "invisible_character"),  # Hangul filler
        ("\ue000", "invisible_character"),  # private use
        ("\x07", "control_character"),
        ("\x1b", "control_character"),
        ("\x7f", "control_character"),
        ("\x85", "control_character"),
        ("\n", "single_line"),
        ("\t", "single_line"),
        ("\r", "single_line"),
        ("\u2028", "single_line"),
    ],
)
def test_control_and_invisible_characters_are_refused(char: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_typed_text(f"Nguyễn{char}Văn An")
    assert caught.value.code == code
    if code != "single_line":
        assert f"U+{ord(char):04X}" in caught.value.messages[0]


def test_multiline_text_keeps_line_breaks_and_tabs_only() -> None:
    assert (
        clean_typed_text(" Dòng một\r\n\tDòng hai\rba\u2029 ", multiline=True)
        == "Dòng một\n\tDòng hai\nba"
    )
    with pytest.raises(ValidationError) as caught:
        clean_typed_text("Dòng một\n\u200bDòng hai", multiline=True)
    assert caught.value.code == "invisible_character"
    with pytest.raises(ValidationError):
        clean_typed_text("Dòng một\n\x00", multiline=True)


def test_error_messages_are_vietnamese() -> None:
    with pytest.raises(ValidationError) as caught:
        clean_typed_text("An\u200b")
    assert "ký tự ẩn" in caught.value.messages[0]


class _Form(forms.Form):
    name = TypedCharField(max_length=13)
    note = TypedCharField(multiline=True, required=False)
    email = TypedEmailField(required=False)


def test_form_fields_clean_before_their_validators() -> None:
    # 13 characters once NFC; the TCVN3 spelling is 13 too, the NFD one 16.
    form = _Form(
        {
            "name": unicodedata.normalize("NFD", "Nguyễn Văn An"),
            "note": "a\r\nb",
            "email": " mai@example.vn ",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "name": "Nguyễn Văn An",
        "note": "a\nb",
        "email": "mai@example.vn",
    }
    bad = _Form({"name": "An\u200b", "email": "mai\u200b@example.vn"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"name", "email"}


def test_model_text_fields_become_typed_fields() -> None:
    class ProfileForm(forms.ModelForm):
        class Meta:
            model = User
            fields = ["full_name", "email", "last_login"]
            formfield_callback = typed_text_formfield

    form = ProfileForm()
    assert isinstance(form.fields["full_name"], TypedCharField)
    assert form.fields["full_name"].max_length == 200
    assert isinstance(form.fields["email"], TypedEmailField)
    assert not isinstance(form.fields["last_login"], TypedCharField)


def test_documents_keep_importing_the_detector_from_core() -> None:
    # The detector moved down to core (documents is a higher layer); the names
    # documents code and its tests use still work and are the same objects.
    for name in ("legacy_to_unicode", "legacy_detect", "legacy_decode", "TCVN3"):
        assert getattr(documents_legacy_text, name) is getattr(core_legacy_text, name)
