"""Each agency signs with its own certificate (else its parent's, else the
installation's); certificates are PKCS#12 files in private storage, managed in the
admin, their passwords in environment variables."""

import io
import os
import re
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.models import DossierFile
from backoffice.dossiers.services import dossier_submit
from backoffice.signatures import pki
from backoffice.signatures.constants import DEMO_AGENCY_NAME
from backoffice.signatures.models import AgencySigningCertificate, RevocationList
from backoffice.signatures.services import (
    agency_signing_certificate_save,
    demo_agency_certificate_install,
    demo_crl_install,
)
from backoffice.signatures.signing import SignerUnavailable, agency_signer, pdf_sign
from backoffice.signatures.storage import SigningKeyStorage
from backoffice.signatures.verification import pdf_verify
from tests.fixtures.signatures import DAY, NOW, make_pdf

pytestmark = pytest.mark.django_db

PASSWORD_VAR = "SIGNING_PASSWORD_PHUONG1"
KEY_PASSWORD = "mat-khau-phuong"
ADD_URL = "/admin/snippets/signatures/agencysigningcertificate/add/"


@pytest.fixture(autouse=True)
def _private_keys(settings, tmp_path: Path) -> None:
    """Keys go to this test's folder; one password variable is set on the server."""
    settings.SIGNING_KEYS_ROOT = tmp_path / "signing-keys"
    settings.SIGNING_KEY_PASSWORDS = {PASSWORD_VAR: KEY_PASSWORD}


@pytest.fixture
def demo_ca(agency_pki) -> pki.KeyPair:
    """The CA of the installation's demo PKI (its root is trusted)."""
    return pki.load_demo_ca(pki=agency_pki, password="pki-pass")


def p12_for(
    ca: pki.KeyPair, common_name: str, password: str = KEY_PASSWORD, **kwargs
) -> bytes:
    keypair = pki.make_signing_certificate(issuer=ca, common_name=common_name, **kwargs)
    return pki.pkcs12_bytes(signer=keypair, chain=[ca.certificate], password=password)


def give_certificate(agency, ca: pki.KeyPair, **kwargs) -> AgencySigningCertificate:
    return agency_signing_certificate_save(
        actor=None,
        agency=agency,
        pkcs12_data=p12_for(ca, agency.name),
        password_env=PASSWORD_VAR,
        **kwargs,
    )


def signature_fields(pdf: bytes) -> dict:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    [(_name, value, _ref)] = list(enumerate_sig_fields(reader, filled_status=True))
    return value.get_object()


def issue_receipt(agency_tree, birth_registration, applicant, complete_files, capture):
    with capture(execute=True):
        dossier = dossier_submit(
            procedure=birth_registration,
            agency=agency_tree["ward"],
            channel=Channel.ONLINE,
            applicant=applicant,
            files=complete_files,
        )
    receipt = dossier.files.get(kind=DossierFile.Kind.RECEIPT)
    with receipt.file.open("rb") as handle:
        return receipt, handle.read()


# --- which certificate signs --------------------------------------------------


def test_commune_receipt_is_signed_with_the_communes_own_certificate(
    agency_tree,
    birth_registration,
    applicant,
    complete_files,
    demo_ca,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    ward = agency_tree["ward"]
    give_certificate(ward, demo_ca)

    receipt, pdf = issue_receipt(
        agency_tree,
        birth_registration,
        applicant,
        complete_files,
        django_capture_on_commit_callbacks,
    )

    verdict = pdf_verify(pdf_bytes=pdf)
    assert verdict.verdict == receipt.signature_verdict == "valid"
    assert verdict.signatures[0].signer == ward.name == "UBND Phường 1"
    assert signature_fields(pdf)["/Location"] == ward.name


def test_an_agency_without_a_certificate_signs_with_its_parents(
    agency_tree, demo_ca
) -> None:
    give_certificate(agency_tree["city"], demo_ca)

    signed = pdf_sign(pdf_bytes=make_pdf(), agency=agency_tree["ward"])

    assert pdf_verify(pdf_bytes=signed).signatures[0].signer == "UBND TP Sóc Trăng"
    # The location names the agency the document is about, not the key's owner.
    assert signature_fields(signed)["/Location"] == "UBND Phường 1"


def test_without_any_agency_certificate_the_installation_one_signs(
    agency_tree, agency_pki
) -> None:
    signed = pdf_sign(pdf_bytes=make_pdf(), agency=agency_tree["ward"])

    assert pdf_verify(pdf_bytes=signed).signatures[0].signer == DEMO_AGENCY_NAME


def test_an_inactive_certificate_is_skipped(agency_tree, demo_ca) -> None:
    give_certificate(agency_tree["city"], demo_ca)
    give_certificate(agency_tree["ward"], demo_ca, is_active=False)

    signer = agency_signer(agency=agency_tree["ward"])

    assert signer.signing_cert.subject.native["common_name"] == "UBND TP Sóc Trăng"


def test_a_configured_but_broken_certificate_does_not_fall_back(
    agency_tree, demo_ca, agency_pki, settings
) -> None:
    give_certificate(agency_tree["ward"], demo_ca)
    settings.SIGNING_KEY_PASSWORDS = {}  # the variable vanished from the server

    with pytest.raises(SignerUnavailable, match=PASSWORD_VAR):
        pdf_sign(pdf_bytes=make_pdf(), agency=agency_tree["ward"])


def test_a_token_row_is_not_handed_out_as_a_plain_signer(agency_tree) -> None:
    # A PKCS#11 key needs an open session (signing.agency_signing / key_signing);
    # the plain-signer helper says so instead of signing with something else.
    AgencySigningCertificate.objects.create(agency=agency_tree["ward"], kind="pkcs11")

    with pytest.raises(SignerUnavailable, match="PKCS#11"):
        agency_signer(agency=agency_tree["ward"])


# --- storing keys ---------------------------------------------------------------


def test_the_key_file_is_private(agency_tree, demo_ca, settings) -> None:
    record = give_certificate(agency_tree["ward"], demo_ca)

    path = Path(record.pkcs12_file.path)
    assert path.is_relative_to(Path(settings.SIGNING_KEYS_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.stat().st_mode & 0o077 == 0
    assert path.parent.name == agency_tree["ward"].code
    with pytest.raises(ValueError, match="private"):
        record.pkcs12_file.url  # noqa: B018 — the access itself must fail
    assert record.subject.endswith("CN=UBND Phường 1")
    assert record.not_after > NOW
    entry = AuditLogEntry.objects.get(action="agencysigningcertificate.created")
    assert entry.after["fingerprint_sha256"] == record.fingerprint_sha256
    assert KEY_PASSWORD not in str(entry.after)


def test_replacing_the_key_removes_the_old_file(
    agency_tree, demo_ca, django_capture_on_commit_callbacks
) -> None:
    first = give_certificate(agency_tree["ward"], demo_ca)
    old_path = Path(first.pkcs12_file.path)

    with django_capture_on_commit_callbacks(execute=True):
        second = give_certificate(agency_tree["ward"], demo_ca)

    assert second.pk == first.pk
    assert second.fingerprint_sha256 != first.fingerprint_sha256
    assert not old_path.exists()
    assert Path(second.pkcs12_file.path).exists()
    signer = agency_signer(agency=agency_tree["ward"])
    assert signer.signing_cert.sha256.hex() == second.fingerprint_sha256

    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert not Path(second.pkcs12_file.path).exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pkcs12_data": b"not a pkcs12 file"}, "Không mở được tệp PKCS#12"),
        ({"password_env": "SIGNING_PASSWORD_KHAC"}, "chưa có biến môi trường"),
        ({"password_env": "DATABASE_URL"}, "phải bắt đầu bằng SIGNING_PASSWORD_"),
        ({"password_env": ""}, "Không mở được tệp PKCS#12"),
        ({"kind": "pkcs11"}, "bắt buộc với thiết bị PKCS#11"),
        ({"pkcs12_data": None}, "Hãy tải lên tệp PKCS#12"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    agency_tree, demo_ca, settings, kwargs, message
) -> None:
    settings.SIGNING_KEY_PASSWORDS = {PASSWORD_VAR: KEY_PASSWORD}
    arguments = {
        "pkcs12_data": p12_for(demo_ca, "UBND Phường 1"),
        "password_env": PASSWORD_VAR,
        **kwargs,
    }

    with pytest.raises(ValidationError, match=re.escape(message)):
        agency_signing_certificate_save(
            actor=None, agency=agency_tree["ward"], **arguments
        )

    assert not AgencySigningCertificate.objects.exists()
    keys = Path(settings.SIGNING_KEYS_ROOT)
    assert not keys.exists() or not any(keys.rglob("*.p12"))


def test_a_wrong_password_is_refused(agency_tree, demo_ca, settings) -> None:
    settings.SIGNING_KEY_PASSWORDS = {PASSWORD_VAR: "sai-mat-khau"}

    with pytest.raises(ValidationError, match=f"mật khẩu trong biến {PASSWORD_VAR}"):
        give_certificate(agency_tree["ward"], demo_ca)
    assert not AgencySigningCertificate.objects.exists()


def test_an_expired_certificate_is_refused(agency_tree, demo_ca) -> None:
    data = p12_for(
        demo_ca, "UBND Phường 1", not_before=NOW - 30 * DAY, not_after=NOW - DAY
    )

    with pytest.raises(ValidationError, match="đã hết hạn ngày"):
        agency_signing_certificate_save(
            actor=None,
            agency=agency_tree["ward"],
            pkcs12_data=data,
            password_env=PASSWORD_VAR,
        )


def test_a_certificate_that_may_not_sign_is_refused(agency_tree, demo_ca) -> None:
    ca_keypair = pki.make_intermediate(issuer=demo_ca, common_name="Không được ký")
    data = pki.pkcs12_bytes(
        signer=ca_keypair, chain=[demo_ca.certificate], password=KEY_PASSWORD
    )

    with pytest.raises(ValidationError, match="không được phép dùng để ký"):
        agency_signing_certificate_save(
            actor=None,
            agency=agency_tree["ward"],
            pkcs12_data=data,
            password_env=PASSWORD_VAR,
        )


def test_storage_has_no_url() -> None:
    with pytest.raises(ValueError, match="private"):
        SigningKeyStorage().url("x.p12")


# --- admin -----------------------------------------------------------------------


@pytest.fixture
def admin_client(agency_tree, make_staff, verified_client):
    admin = make_staff("quantri", agency=agency_tree["province"], role=Role.ADMIN)
    admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="signatures")
    )
    return verified_client(admin)


def upload(data: bytes, name: str = "phuong1.p12") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/x-pkcs12")


def test_admin_uploads_a_certificate_through_wagtail(
    admin_client, agency_tree, demo_ca
) -> None:
    ward = agency_tree["ward"]
    assert admin_client.get(ADD_URL).status_code == 200

    response = admin_client.post(
        ADD_URL,
        {
            "agency": ward.pk,
            "kind": "pkcs12",
            "pkcs12_file": upload(p12_for(demo_ca, ward.name)),
            "password_env": PASSWORD_VAR,
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    record = AgencySigningCertificate.objects.get()
    assert record.agency == ward and record.subject.endswith("CN=UBND Phường 1")
    assert AuditLogEntry.objects.filter(
        action="agencysigningcertificate.created", actor_repr="quantri"
    ).exists()
    listing = admin_client.get("/admin/snippets/signatures/agencysigningcertificate/")
    assert "UBND Phường 1" in listing.content.decode()
    edit = admin_client.get(
        f"/admin/snippets/signatures/agencysigningcertificate/edit/{record.pk}/"
    )
    assert edit.status_code == 200
    assert record.pkcs12_file.name not in edit.content.decode()  # no link to the key


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "pkcs11"}, "bắt buộc với thiết bị PKCS#11"),
        ({"password_env": "SIGNING_PASSWORD_KHAC"}, "chưa có biến môi trường"),
        ({"file": b"GIF89a"}, "Không mở được tệp PKCS#12"),
    ],
)
def test_admin_refuses_bad_input_with_a_clear_message(
    admin_client, agency_tree, demo_ca, fields, message
) -> None:
    ward = agency_tree["ward"]
    data = fields.pop("file", None) or p12_for(demo_ca, ward.name)
    response = admin_client.post(
        ADD_URL,
        {
            "agency": ward.pk,
            "kind": "pkcs12",
            "pkcs12_file": upload(data),
            "password_env": PASSWORD_VAR,
            "is_active": "on",
            **fields,
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AgencySigningCertificate.objects.exists()


def test_admin_uploads_a_crl_through_wagtail(admin_client, demo_ca) -> None:
    url = "/admin/snippets/signatures/revocationlist/add/"
    assert admin_client.get(url).status_code == 200

    refused = admin_client.post(url, {"crl_file": upload(b"rac", "rac.crl")})
    assert refused.status_code == 200
    assert "Không đọc được tệp" in refused.content.decode()
    assert not RevocationList.objects.exists()

    crl = pki.make_crl(issuer=demo_ca)
    response = admin_client.post(url, {"crl_file": upload(crl, "ca.crl")})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert bytes(RevocationList.objects.get().der) == crl


# --- demo ---------------------------------------------------------------------------


def test_demo_gives_the_commune_its_own_certificate_from_the_demo_ca(
    agency_tree,
    birth_registration,
    applicant,
    complete_files,
    agency_pki,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    ward = agency_tree["ward"]
    record = demo_agency_certificate_install(
        actor=None, agency=ward, pki=agency_pki, password="pki-pass"
    )
    demo_crl_install(actor=None, pki=agency_pki, password="pki-pass")

    assert record is not None and record.password_env == ""
    assert (
        demo_agency_certificate_install(
            actor=None, agency=ward, pki=agency_pki, password="pki-pass"
        )
        == record
    )
    crl = demo_crl_install(actor=None, pki=agency_pki, password="pki-pass")
    assert crl is not None and RevocationList.objects.count() == 1
    _receipt, pdf = issue_receipt(
        agency_tree,
        birth_registration,
        applicant,
        complete_files,
        django_capture_on_commit_callbacks,
    )
    [signature] = pdf_verify(pdf_bytes=pdf).signatures
    assert signature.signer == "UBND Phường 1"
    assert signature.outcome == "valid"
    assert signature.revocation == "good"


def test_demo_without_the_ca_key_keeps_the_installation_certificate(
    agency_tree, agency_pki
) -> None:
    os.remove(agency_pki.root_key_path)
    missing = pki.DemoPki(
        pkcs12_path=agency_pki.pkcs12_path,
        root_pem_path=agency_pki.root_pem_path,
        created=False,
        root_key_path=None,
    )

    assert (
        demo_agency_certificate_install(
            actor=None, agency=agency_tree["ward"], pki=missing, password="pki-pass"
        )
        is None
    )
    assert not AgencySigningCertificate.objects.exists()
