"""Service error messages go through gettext: the English site reads them in
English, the Vietnamese site (the default) in Vietnamese."""

from django.utils import translation

import pytest

from backoffice.documents.number_symbols import number_symbol_parse
from backoffice.documents.pdf import pdf_facts
from backoffice.signatures.verification import UnreadablePdf


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Invalid number-symbol: no number-symbol entered"),
        ("vi", "Ký hiệu văn bản không hợp lệ: chưa nhập số, ký hiệu"),
    ],
)
def test_number_symbol_errors_follow_the_language(language, expected):
    with translation.override(language), pytest.raises(ValueError) as exc:
        number_symbol_parse("   ")
    assert expected in str(exc.value)


def test_pdf_errors_follow_the_language():
    with translation.override("en"), pytest.raises(UnreadablePdf) as exc:
        pdf_facts(b"%PDF-1.7\nbroken")
    assert "cannot be read" in str(exc.value) or "no pages" in str(exc.value)


def test_scan_input_errors_follow_the_language(tmp_path):
    from backoffice.scanning.pipeline.sources import sniff_scan_file

    empty = tmp_path / "lo-quet.pdf"
    empty.write_bytes(b"")
    with translation.override("en"), pytest.raises(Exception) as exc:
        sniff_scan_file(empty)
    assert "is empty" in str(exc.value)
