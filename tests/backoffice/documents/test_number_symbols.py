"""Number-symbols (số, ký hiệu): exact validation, canonical text, folded key."""

import unicodedata

import pytest

from backoffice.documents.constants import (
    ABBREVIATION_DOCUMENT_TYPES,
    CopyForm,
    DocumentType,
)
from backoffice.documents.number_symbols import (
    NumberSymbol,
    number_symbol_key,
    number_symbol_parse,
)

PREFIX = "Ký hiệu văn bản không hợp lệ: "


@pytest.mark.parametrize(
    ("text", "document_type", "expected"),
    [
        ("15/QĐ-UBND", None, NumberSymbol(15, None, "QĐ", "UBND", "15/QĐ-UBND")),
        ("05/BNV-VP", None, NumberSymbol(5, None, None, "BNV-VP", "05/BNV-VP")),
        (
            "12/UBND-VX",
            DocumentType.CONG_VAN,
            NumberSymbol(12, None, None, "UBND-VX", "12/UBND-VX"),
        ),
        (
            "15/2016/QĐ-UBND",
            DocumentType.QUYET_DINH,
            NumberSymbol(15, 2016, "QĐ", "UBND", "15/2016/QĐ-UBND"),
        ),
        ("7/QyĐ-UBND", None, NumberSymbol(7, None, "QyĐ", "UBND", "07/QyĐ-UBND")),
        ("003/TTr-SNV", None, NumberSymbol(3, None, "TTr", "SNV", "03/TTr-SNV")),
        ("120/KH-UBND", None, NumberSymbol(120, None, "KH", "UBND", "120/KH-UBND")),
        ("15/QĐ-TTg", None, NumberSymbol(15, None, "QĐ", "TTg", "15/QĐ-TTg")),
        ("08/NQ-HĐND", None, NumberSymbol(8, None, "NQ", "HĐND", "08/NQ-HĐND")),
        (
            "61/2018/NĐ-CP",
            DocumentType.NGHI_DINH,
            NumberSymbol(61, 2018, "NĐ", "CP", "61/2018/NĐ-CP"),
        ),
        (
            "01/2011/TT-BNV",
            None,
            NumberSymbol(1, 2011, "TT", "BNV", "01/2011/TT-BNV"),
        ),
        ("80/2015/QH13", None, NumberSymbol(80, 2015, None, "QH13", "80/2015/QH13")),
        (
            "12/CT-TTHT",
            DocumentType.CONG_VAN,
            NumberSymbol(12, None, None, "CT-TTHT", "12/CT-TTHT"),
        ),
        ("05/SY-VP", CopyForm.SAO_Y, NumberSymbol(5, None, "SY", "VP", "05/SY-VP")),
        (
            "21/KH-SNN&PTNT",
            None,
            NumberSymbol(21, None, "KH", "SNN&PTNT", "21/KH-SNN&PTNT"),
        ),
    ],
)
def test_parses_the_forms_of_domain_md(text, document_type, expected) -> None:
    assert number_symbol_parse(text, document_type=document_type) == expected


def test_every_listed_abbreviation_parses_to_its_type() -> None:
    for abbreviation, document_type in ABBREVIATION_DOCUMENT_TYPES.items():
        parsed = number_symbol_parse(f"09/{abbreviation}-UBND")
        assert parsed.type_abbreviation == abbreviation
        assert parsed.document_type == document_type
        again = number_symbol_parse(
            f"9/{abbreviation}-UBND", document_type=document_type
        )
        assert again.text == f"09/{abbreviation}-UBND"


def test_cong_van_and_copies_have_no_document_type() -> None:
    assert number_symbol_parse("12/UBND-VX").document_type is None
    copy = number_symbol_parse("05/TrS-VP")
    assert copy.document_type is None
    assert copy.copy_form == CopyForm.TRICH_SAO
    assert number_symbol_parse("15/QĐ-UBND").copy_form is None


@pytest.mark.parametrize(
    ("messy", "canonical"),
    [
        ("  15/QĐ-UBND ", "15/QĐ-UBND"),
        ("Số: 15/QĐ-UBND", "15/QĐ-UBND"),
        ("số 15/QĐ-UBND", "15/QĐ-UBND"),
        ("15 / 2016 / QĐ – UBND", "15/2016/QĐ-UBND"),
        ("15/QĐ\u2010UBND", "15/QĐ-UBND"),
        (unicodedata.normalize("NFD", "15/QĐ-HĐND"), "15/QĐ-HĐND"),
        ("5/QĐ-UBND", "05/QĐ-UBND"),
        ("0005/QĐ-UBND", "05/QĐ-UBND"),
    ],
)
def test_text_is_canonical_nfc_with_a_leading_zero(messy, canonical) -> None:
    parsed = number_symbol_parse(messy)
    assert parsed.text == canonical
    assert unicodedata.is_normalized("NFC", parsed.text)
    assert number_symbol_parse(parsed.text) == parsed


@pytest.mark.parametrize(
    ("text", "document_type", "message"),
    [
        ("", None, "chưa nhập số, ký hiệu"),
        ("   ", None, "chưa nhập số, ký hiệu"),
        (
            "15/QD-UBND",
            None,
            "loại văn bản 'QD' không có trong danh mục (có phải 'QĐ'?)",
        ),
        (
            "15/qđ-ubnd",
            None,
            "loại văn bản 'qđ' không có trong danh mục (có phải 'QĐ'?)",
        ),
        (
            "15/2016/qd-ubnd",
            None,
            "loại văn bản 'qd' không có trong danh mục (có phải 'QĐ'?)",
        ),
        ("15/QYĐ-UBND", None, "'QYĐ' không có trong danh mục (có phải 'QyĐ'?)"),
        ("15/TTR-UBND", None, "'TTR' không có trong danh mục (có phải 'TTr'?)"),
        ("15/da-UBND", None, "(có phải 'ĐA' hoặc 'DA'?)"),
        (
            "15/QD-UBND",
            DocumentType.QUYET_DINH,
            "loại văn bản 'QD' không có trong danh mục (có phải 'QĐ'?)",
        ),
        (
            "15/TB-UBND",
            DocumentType.QUYET_DINH,
            "'TB' là ký hiệu của Thông báo, không phải Quyết định (phải là 'QĐ')",
        ),
        (
            "15/DA-UBND",
            DocumentType.DE_AN,
            "'DA' là ký hiệu của Dự án, không phải Đề án (phải là 'ĐA')",
        ),
        (
            "15/UBND-VX",
            DocumentType.TO_TRINH,
            "thiếu ký hiệu loại văn bản 'TTr' của Tờ trình",
        ),
        ("15/QĐ", None, "thiếu ký hiệu cơ quan ban hành sau 'QĐ'"),
        ("15", None, "phải có dạng Số/Ký hiệu"),
        ("15/2016/03/QĐ-UBND", None, "phải có dạng Số/Ký hiệu"),
        ("a5/QĐ-UBND", None, "số văn bản 'a5' phải là chữ số"),
        ("/QĐ-UBND", None, "số văn bản '' phải là chữ số"),
        ("0/QĐ-UBND", None, "số văn bản bắt đầu từ 01"),
        ("15/16/QĐ-UBND", None, "năm ban hành '16' phải gồm 4 chữ số"),
        ("15/1890/QĐ-UBND", None, "năm ban hành 1890 không hợp lý"),
        ("15/QĐ--UBND", None, "ký hiệu 'QĐ--UBND' có phần trống"),
        ("15/QĐ-UB ND", None, "phần ký hiệu 'UB ND' chứa ký tự không hợp lệ"),
        ("15/QĐ-UBND_X", None, "phần ký hiệu 'UBND_X' chứa ký tự không hợp lệ"),
        ("15/QĐ-2016", None, "phần ký hiệu '2016' chứa ký tự không hợp lệ"),
        (
            "15/2016/TB-UBND",
            None,
            "Thông báo không phải văn bản quy phạm pháp luật",
        ),
        (
            "15/2016/UBND-VX",
            None,
            "văn bản quy phạm pháp luật (có năm ban hành) phải có ký hiệu loại văn bản",
        ),
        (
            "15/2016/UBND-VX",
            DocumentType.CONG_VAN,
            "Công văn không phải văn bản quy phạm pháp luật",
        ),
        ("80/QH13", DocumentType.LUAT, "số, ký hiệu của Luật phải có năm ban hành"),
        (
            "80/2015/UBND",
            DocumentType.LUAT,
            "ký hiệu của Luật là Quốc hội và khóa, ví dụ 80/2015/QH13",
        ),
        (
            "15/QĐ-UBND",
            "quyet_dinh",
            "loại văn bản 'quyet_dinh' không có trong danh mục",
        ),
    ],
)
def test_bad_number_symbols_get_a_vietnamese_message(
    text, document_type, message
) -> None:
    with pytest.raises(ValueError, match="^Ký hiệu văn bản không hợp lệ: ") as caught:
        number_symbol_parse(text, document_type=document_type)
    assert message in str(caught.value)


def test_the_example_message_of_the_brief_is_exact() -> None:
    with pytest.raises(ValueError) as caught:
        number_symbol_parse("15/QD-UBND")
    assert str(caught.value) == (
        PREFIX + "loại văn bản 'QD' không có trong danh mục (có phải 'QĐ'?)"
    )


def test_d_and_d_with_stroke_are_different_types() -> None:
    assert number_symbol_parse("15/ĐA-UBND").document_type == DocumentType.DE_AN
    assert number_symbol_parse("15/DA-UBND").document_type == DocumentType.DU_AN


def test_key_folds_case_diacritics_and_separators() -> None:
    keys = {
        number_symbol_key(text)
        for text in (
            "15/2016/QĐ-UBND",
            "15/2016/qd-ubnd",
            "15 2016 QD UBND",
            "15/2016/qđ-ubnd",
            " 15 - 2016 - QĐ / UBND ",
            unicodedata.normalize("NFD", "15/2016/QĐ-UBND"),
        )
    }
    assert keys == {"15-2016-qd-ubnd"}


def test_key_ignores_the_leading_zero_but_not_the_number_or_issuer() -> None:
    assert number_symbol_key("5/QĐ-UBND") == number_symbol_key("05/QĐ-UBND")
    assert number_symbol_key("05/QĐ-UBND") != number_symbol_key("50/QĐ-UBND")
    assert number_symbol_key("05/QĐ-UBND") != number_symbol_key("05/QĐ-HĐND")
    assert number_symbol_key("15/QĐ-UBND") != number_symbol_key("15/2016/QĐ-UBND")


def test_key_of_a_parsed_symbol_matches_the_key_of_its_variants() -> None:
    parsed = number_symbol_parse("Số: 7/QyĐ-UBND")
    assert parsed.key == number_symbol_key("07 qyd ubnd") == "7-qyd-ubnd"
