"""pdf_sign and the agency signer loaded from settings."""

import io
import os
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign.general import SigningError

from backoffice.signatures import pki
from backoffice.signatures.signing import SignerUnavailable, agency_signer, pdf_sign
from backoffice.signatures.verification import UnreadablePdf, pdf_verify
from tests.fixtures.signatures import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_p12(tmp_path: Path, settings) -> Path:
    """A demo PKI on disk, configured as the agency signer, root trusted by file."""
    made = pki.make_demo_pki(directory=tmp_path / "pki", password="mat-khau")
    settings.SIGNING_PKCS12_PATH = str(made.pkcs12_path)
    settings.SIGNING_PKCS12_PASSWORD = "mat-khau"
    settings.TRUST_ROOT_FILES = [str(made.root_pem_path)]
    return made.pkcs12_path


def test_signs_with_the_configured_agency_certificate(plain_pdf, agency_p12) -> None:
    signed = pdf_sign(
        pdf_bytes=plain_pdf, reason="Tiếp nhận hồ sơ", location="Sóc Trăng"
    )

    assert signed.startswith(plain_pdf)  # an incremental update: original untouched
    [embedded] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert embedded.field_name == "Signature1"
    assert embedded.sig_object["/Reason"] == "Tiếp nhận hồ sơ"
    assert embedded.sig_object["/Location"] == "Sóc Trăng"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert pdf_verify(pdf_bytes=signed).verdict == "valid"


def test_agency_signer_is_cached_until_the_file_changes(agency_p12) -> None:
    first = agency_signer()
    assert agency_signer() is first

    replacement = pki.make_demo_pki(
        directory=agency_p12.parent, password="mat-khau", force=True
    )
    stat = agency_p12.stat()
    os.utime(agency_p12, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = agency_signer()
    assert second is not first
    assert replacement.pkcs12_path == agency_p12
    assert second.signing_cert.dump() != first.signing_cert.dump()


def test_missing_pkcs12_is_a_clear_configuration_error(settings, tmp_path) -> None:
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "khong-co.p12")
    with pytest.raises(SignerUnavailable, match="make_demo_pki"):
        agency_signer()


def test_wrong_password_is_a_clear_configuration_error(agency_p12, settings) -> None:
    settings.SIGNING_PKCS12_PASSWORD = "sai-mat-khau"
    with pytest.raises(SignerUnavailable, match="mật khẩu"):
        agency_signer()


def test_refuses_to_sign_garbage(test_pki) -> None:
    with pytest.raises(UnreadablePdf):
        pdf_sign(pdf_bytes=b"GIF89a not a pdf", signer=test_pki.agency)


def test_empty_password_pkcs12_loads(tmp_path, settings, plain_pdf) -> None:
    made = pki.make_demo_pki(directory=tmp_path / "open", password="")
    settings.SIGNING_PKCS12_PATH = str(made.pkcs12_path)
    settings.TRUST_ROOT_FILES = [str(made.root_pem_path)]
    assert pdf_verify(pdf_bytes=pdf_sign(pdf_bytes=plain_pdf)).verdict == "valid"


def test_refuses_to_sign_an_encrypted_pdf(test_pki) -> None:
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(make_pdf(["Mật"]))))
    writer.encrypt("owner-secret", "user-secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UnreadablePdf, match="mã hóa"):
        pdf_sign(pdf_bytes=out.getvalue(), signer=test_pki.agency)


def test_signing_a_filled_field_again_is_refused(signed_pdf, test_pki) -> None:
    with pytest.raises(SigningError):
        pdf_sign(pdf_bytes=signed_pdf, signer=test_pki.agency)
