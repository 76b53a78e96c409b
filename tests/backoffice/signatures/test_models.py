"""TrustedCertificate: the PEM is the source of every descriptive field."""

from django.core.exceptions import ValidationError

import pytest

from backoffice.signatures.models import TrustedCertificate
from backoffice.signatures.pki import certificate_pem, make_signing_certificate
from backoffice.signatures.services import trusted_certificate_upsert

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "pem",
    [
        "",
        "xin chào",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ],
    ids=["empty", "text", "broken-base64"],
)
def test_clean_refuses_garbage_with_a_vietnamese_message(pem) -> None:
    with pytest.raises(ValidationError) as caught:
        TrustedCertificate(pem=pem).clean()
    assert "Không đọc được chứng thư số" in caught.value.message_dict["pem"][0]


def test_clean_refuses_two_certificates_in_one_row(test_pki) -> None:
    pem = test_pki.root_pem + certificate_pem(test_pki.foreign_root.certificate)
    with pytest.raises(ValidationError, match="đúng một chứng thư"):
        TrustedCertificate(pem=pem.decode()).full_clean()


def test_full_clean_fills_the_descriptive_fields(test_pki) -> None:
    row = TrustedCertificate(pem="  \n" + test_pki.root_pem.decode())
    row.full_clean()

    cert = test_pki.root.certificate
    assert row.name == "Demo Root CA — UBND tỉnh Sóc Trăng"
    assert "CN=Demo Root CA — UBND tỉnh Sóc Trăng" in row.subject
    assert row.subject == row.issuer
    assert row.serial == format(cert.serial_number, "x")
    assert len(row.fingerprint_sha256) == 64
    assert row.not_before == cert.not_valid_before_utc
    assert row.not_after == cert.not_valid_after_utc
    assert row.pem.startswith("-----BEGIN CERTIFICATE-----")


def test_a_root_must_be_self_signed(test_pki) -> None:
    leaf = make_signing_certificate(issuer=test_pki.root)
    row = TrustedCertificate(pem=certificate_pem(leaf.certificate).decode())
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "trung gian" in caught.value.message_dict["kind"][0]
    row.kind = "intermediate"
    row.full_clean()


def test_the_same_certificate_cannot_be_added_twice(trust_root, test_pki) -> None:
    with pytest.raises(ValidationError, match="đã có trong danh sách"):
        TrustedCertificate(pem=test_pki.root_pem.decode()).full_clean()


def test_upsert_reactivates_instead_of_duplicating(trust_root, test_pki) -> None:
    trust_root.is_active = False
    trust_root.save()
    again = trusted_certificate_upsert(actor=None, pem=test_pki.root_pem.decode())
    assert again.pk == trust_root.pk
    assert again.is_active is True
    assert TrustedCertificate.objects.count() == 1


def test_upsert_refuses_garbage(db) -> None:
    with pytest.raises(ValidationError):
        trusted_certificate_upsert(actor=None, pem="not a certificate")
    assert not TrustedCertificate.objects.exists()
