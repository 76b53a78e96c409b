"""Document choices: the Decree 30/2020 catalogue of DOMAIN.md, complete and exact."""

import unicodedata

from django.utils.text import slugify

import pytest
from anyascii import anyascii

from backoffice.documents.constants import (
    ABBREVIATION_DOCUMENT_TYPES,
    COPY_FORM_ABBREVIATIONS,
    DECREE_30_DOCUMENT_TYPES,
    DOCUMENT_TYPE_ABBREVIATIONS,
    LEGAL_DOCUMENT_TYPES,
    Confidentiality,
    CopyForm,
    DocumentType,
    LegalStatus,
    SignatureVerdict,
    Urgency,
)
from backoffice.signatures import verification
from backoffice.signatures.constants import VerdictKind

# DOMAIN.md "Official documents (Decree 30/2020)", copied by hand: name → abbreviation.
DOMAIN_TYPES = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công văn": None,
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    "Thư công": None,
}


def _by_label(choices) -> dict[str, str]:
    return {str(label): value for value, label in choices.choices}


def test_every_decree_30_type_is_there_with_its_exact_abbreviation() -> None:
    by_label = _by_label(DocumentType)
    for name, abbreviation in DOMAIN_TYPES.items():
        assert name in by_label, name
        assert DOCUMENT_TYPE_ABBREVIATIONS[by_label[name]] == abbreviation, name
    assert {by_label[name] for name in DOMAIN_TYPES} == set(DECREE_30_DOCUMENT_TYPES)


def test_every_type_has_an_abbreviation_entry_and_the_inverse_agrees() -> None:
    assert set(DOCUMENT_TYPE_ABBREVIATIONS) == set(DocumentType.values)
    for document_type, abbreviation in DOCUMENT_TYPE_ABBREVIATIONS.items():
        if abbreviation is not None:
            assert ABBREVIATION_DOCUMENT_TYPES[abbreviation] == document_type
    listed = [a for a in DOCUMENT_TYPE_ABBREVIATIONS.values() if a is not None]
    assert len(listed) == len(set(listed)) == len(ABBREVIATION_DOCUMENT_TYPES)


def test_abbreviations_keep_case_and_d_with_stroke() -> None:
    assert ABBREVIATION_DOCUMENT_TYPES["QĐ"] == DocumentType.QUYET_DINH
    assert ABBREVIATION_DOCUMENT_TYPES["QyĐ"] == DocumentType.QUY_DINH
    assert ABBREVIATION_DOCUMENT_TYPES["TTr"] == DocumentType.TO_TRINH
    assert ABBREVIATION_DOCUMENT_TYPES["ĐA"] == DocumentType.DE_AN
    assert ABBREVIATION_DOCUMENT_TYPES["DA"] == DocumentType.DU_AN
    for wrong in ("QD", "Qđ", "QYĐ", "TTR", "ttr"):
        assert wrong not in ABBREVIATION_DOCUMENT_TYPES


@pytest.mark.parametrize(
    "choices", [DocumentType, CopyForm, Urgency, Confidentiality, LegalStatus]
)
def test_values_are_unique_ascii_slugs_and_labels_nfc_vietnamese(choices) -> None:
    assert len(set(choices.values)) == len(choices.values)
    for value, label in choices.choices:
        assert value == slugify(value) and value.isascii(), value
        assert unicodedata.is_normalized("NFC", str(label)), label


def test_document_type_value_is_the_slug_of_its_name() -> None:
    # The rule the values follow, so a new type gets a predictable code.
    for value, label in DocumentType.choices:
        assert value == slugify(anyascii(str(label))), label


def test_copy_forms_are_separate_with_their_abbreviations() -> None:
    assert _by_label(CopyForm).keys() == {"Sao y", "Trích sao", "Sao lục"}
    assert COPY_FORM_ABBREVIATIONS == {
        CopyForm.SAO_Y: "SY",
        CopyForm.TRICH_SAO: "TrS",
        CopyForm.SAO_LUC: "SL",
    }
    assert not set(CopyForm.values) & set(DocumentType.values)
    assert not set(COPY_FORM_ABBREVIATIONS.values()) & set(ABBREVIATION_DOCUMENT_TYPES)


def test_urgency_confidentiality_and_legal_status_labels() -> None:
    assert set(_by_label(Urgency)) == {"Hỏa tốc", "Thượng khẩn", "Khẩn", "Thường"}
    assert set(_by_label(Confidentiality)) == {"Tuyệt mật", "Tối mật", "Mật", "Thường"}
    assert set(_by_label(LegalStatus)) == {
        "Còn hiệu lực",
        "Hết hiệu lực",
        "Bị thay thế",
    }
    assert Urgency.NORMAL == Confidentiality.NORMAL == "thuong"


def test_legal_types_all_carry_an_abbreviation_except_the_law() -> None:
    assert DocumentType.QUYET_DINH in LEGAL_DOCUMENT_TYPES
    assert DocumentType.CONG_VAN not in LEGAL_DOCUMENT_TYPES
    for document_type in LEGAL_DOCUMENT_TYPES - {DocumentType.LUAT}:
        assert DOCUMENT_TYPE_ABBREVIATIONS[document_type]


def test_signature_verdict_is_the_one_verify_pdf_returns() -> None:
    # Imported, not copied: verify_pdf builds its verdicts from this very class.
    assert SignatureVerdict is VerdictKind is verification.VerdictKind
    assert set(SignatureVerdict.values) == {"valid", "untrusted", "invalid", "unsigned"}
