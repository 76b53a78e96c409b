"""The set-up the signing benches share (bench/_signing.py): an agency with fresh
codes, its staff, trust in both roots, keys switched between PKCS#12 files and
the SoftHSM2 token, and documents taken to approved."""

from pathlib import Path

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import Membership
from backoffice.outgoing.constants import OutgoingStatus
from backoffice.signatures.models import (
    AgencySigningCertificate,
    StaffSigningKey,
    TrustedCertificate,
)
from tests.fixtures.signatures import make_pdf

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def signing(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import _signing

    return _signing


@pytest.fixture
def office(signing, softhsm_token, settings, db):
    settings.SIGNING_KEY_PASSWORDS = {signing.PIN_VARIABLE: softhsm_token.pin}
    return signing.bench_office(
        token=softhsm_token,
        code_suffix="H97",
        name="Cơ quan thử",
        username_prefix="thu",
        root_name="Test Bench Root",
    )


def test_an_office_has_its_run_in_every_name_and_trusts_both_roots(
    office, softhsm_token
) -> None:
    run = office.run
    assert office.agency.code.endswith(".H97")
    assert office.agency.name == f"Cơ quan thử {run}"
    roles = {
        office.specialist: Role.SPECIALIST,
        office.leader: Role.LEADER,
        office.clerk: Role.CLERK,
    }
    for user, role in roles.items():
        assert user.username == f"thu-{role}-{run}"
        assert Membership.objects.filter(
            user=user, agency=office.agency, role=role
        ).exists()
    trusted = set(TrustedCertificate.objects.values_list("subject", flat=True))
    assert any(f"Test Bench Root {run}" in subject for subject in trusted)
    assert any("Test HSM Root CA" in subject for subject in trusted)
    assert not StaffSigningKey.objects.filter(user=office.leader).exists()


def test_keys_switch_between_pkcs12_files_and_the_token(office) -> None:
    office.use_pkcs12()
    assert StaffSigningKey.objects.get(user=office.leader).kind == "pkcs12"
    assert AgencySigningCertificate.objects.get(agency=office.agency).kind == "pkcs12"
    office.use_token()
    assert StaffSigningKey.objects.get(user=office.leader).kind == "pkcs11"
    assert AgencySigningCertificate.objects.get(agency=office.agency).kind == "pkcs11"


def test_approved_takes_a_draft_with_its_attachments_to_approved(office) -> None:
    office.use_pkcs12()
    document = office.approved(
        subject="Văn bản thử",
        main=make_pdf(["QUYẾT ĐỊNH"]),
        attachments=[make_pdf(["PHỤ LỤC"]), make_pdf(["PHỤ LỤC 2"])],
    )
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    assert document.subject == "Văn bản thử"
    assert document.agency == office.agency
    names = sorted(document.files.values_list("original_name", flat=True))
    assert names == ["du-thao.pdf", "phu-luc.pdf", "phu-luc.pdf"]
