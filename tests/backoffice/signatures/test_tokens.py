"""PKCS#11 keys on a real SoftHSM2 token, and the appearance of official
signatures (issue 11)."""

import io

from django.core.exceptions import ValidationError

import pytest
from pypdf import PdfReader

from backoffice.signatures.appearance import MM, STAMP_MARGIN, leader_box, seal_box
from backoffice.signatures.models import AgencySigningCertificate, StaffSigningKey
from backoffice.signatures.official import (
    AGENCY_FIELD,
    ATTACHMENT_FIELD,
    LEADER_FIELD,
    document_sign,
)
from backoffice.signatures.services import (
    agency_signing_certificate_save,
    staff_signing_key_save,
    trusted_certificate_upsert,
)
from backoffice.signatures.signing import SignerUnavailable, pdf_sign
from backoffice.signatures.verification import pdf_verify
from tests.fixtures.signatures import make_pdf

PIN_VAR = "SIGNING_PASSWORD_TOKEN"


@pytest.fixture
def token(softhsm_token, settings, db):
    settings.SIGNING_KEY_PASSWORDS = {PIN_VAR: softhsm_token.pin}
    trusted_certificate_upsert(actor=None, pem=softhsm_token.root_pem.decode())
    return softhsm_token


def _token(token, label: str, **overrides: str) -> dict[str, str]:
    return {
        "pkcs11_module": token.module,
        "token_label": token.label,
        "key_label": label,
        **overrides,
    }


def test_a_token_key_is_checked_and_described_when_saved(token, agency_tree) -> None:
    record = agency_signing_certificate_save(
        actor=None,
        agency=agency_tree["justice"],
        kind="pkcs11",
        password_env=PIN_VAR,
        token=_token(token, "agency-seal"),
    )

    assert "Sở Tư pháp tỉnh Sóc Trăng" in record.subject
    assert record.fingerprint_sha256
    assert not record.pkcs12_file


@pytest.mark.parametrize(
    ("overrides", "pins", "message"),
    [
        ({}, {PIN_VAR: "999999"}, "Sai mã PIN"),
        ({"key_label": "khong-co"}, None, "Không tìm thấy khóa hoặc chứng thư"),
        ({"token_label": "da-rut-ra"}, None, "Không kết nối được thiết bị ký số"),
        ({"pkcs11_module": "/khong/co.so"}, None, "Không tìm thấy thư viện PKCS#11"),
        ({}, {}, "Máy chủ chưa có biến môi trường"),
        ({"key_label": ""}, None, "bắt buộc với thiết bị PKCS#11"),
    ],
)
def test_a_token_key_that_cannot_sign_is_refused_and_nothing_saved(
    token, agency_tree, make_staff, settings, overrides, pins, message
) -> None:
    leader = make_staff("lanhdao", agency=agency_tree["justice"], role="leader")
    if pins is not None:
        settings.SIGNING_KEY_PASSWORDS = pins

    with pytest.raises(ValidationError, match=message):
        staff_signing_key_save(
            actor=None,
            user=leader,
            kind="pkcs11",
            password_env=PIN_VAR,
            token=_token(token, "leader-key") | overrides,
        )

    assert not StaffSigningKey.objects.exists()


def test_forms_sign_with_an_agency_key_on_the_token(token, agency_tree) -> None:
    agency_signing_certificate_save(
        actor=None,
        agency=agency_tree["justice"],
        kind="pkcs11",
        password_env=PIN_VAR,
        token=_token(token, "agency-seal"),
    )

    signed = pdf_sign(pdf_bytes=make_pdf(), agency=agency_tree["justice"])

    verdict = pdf_verify(pdf_bytes=signed)
    assert verdict.verdict == "valid"
    assert verdict.signatures[0].signer == "Sở Tư pháp tỉnh Sóc Trăng"


def test_a_wrong_pin_when_signing_is_a_clear_error(token, agency_tree, settings):
    agency_signing_certificate_save(
        actor=None,
        agency=agency_tree["justice"],
        kind="pkcs11",
        password_env=PIN_VAR,
        token=_token(token, "agency-seal"),
    )
    settings.SIGNING_KEY_PASSWORDS = {PIN_VAR: "000000"}

    with pytest.raises(SignerUnavailable, match="Sai mã PIN"):
        pdf_sign(pdf_bytes=make_pdf(), agency=agency_tree["justice"])


def _widgets(pdf: bytes) -> dict[str, tuple[float, float, float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/FT") == "/Sig" or "/T" in widget:
                found[str(widget["/T"])] = tuple(float(v) for v in widget["/Rect"])
    return found


def test_seal_overlaps_the_left_third_of_the_leader_signature_and_the_annex_stamp_is_top_right(
    token, agency_tree, make_staff
) -> None:
    leader = make_staff("lanhdao", agency=agency_tree["justice"], role="leader")
    key = staff_signing_key_save(
        actor=None,
        user=leader,
        kind="pkcs11",
        password_env=PIN_VAR,
        token=_token(token, "leader-key"),
    )
    agency_signing_certificate_save(
        actor=None,
        agency=agency_tree["justice"],
        kind="pkcs11",
        password_env=PIN_VAR,
        token=_token(token, "agency-seal"),
    )

    signed = document_sign(
        main=make_pdf(),
        attachments=[make_pdf(["PHỤ LỤC"])],
        leader_key=key,
        agency=agency_tree["justice"],
        number_symbol="15/QĐ-STP",
    )

    widgets = _widgets(signed.main)
    leader_rect, seal_rect = widgets[LEADER_FIELD], widgets[AGENCY_FIELD]
    width = float(PdfReader(io.BytesIO(signed.main)).pages[0].mediabox.width)
    assert leader_rect == pytest.approx(leader_box(width))
    assert seal_rect == pytest.approx(seal_box(leader_box(width)))
    third = leader_rect[0] + (leader_rect[2] - leader_rect[0]) / 3
    assert seal_rect[0] < leader_rect[0] < seal_rect[2] == pytest.approx(third)
    assert seal_rect[2] - seal_rect[0] == pytest.approx(36 * MM)
    (stamp,) = _widgets(signed.attachments[0]).values()
    page = PdfReader(io.BytesIO(signed.attachments[0])).pages[0].mediabox
    assert stamp[2] == pytest.approx(float(page.width) - STAMP_MARGIN)
    assert stamp[3] == pytest.approx(float(page.height) - STAMP_MARGIN)
    report = pdf_verify(pdf_bytes=signed.attachments[0])
    assert [s.field for s in report.signatures] == [ATTACHMENT_FIELD]
    assert report.verdict == "valid"
    assert AgencySigningCertificate.objects.get().kind == "pkcs11"
