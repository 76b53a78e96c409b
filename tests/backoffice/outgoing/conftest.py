"""An issuing agency with its staff and keys, and helpers to take a document
from draft to release."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from backoffice.accounts.models import User
from backoffice.core.constants import Role
from backoffice.core.models import Agency
from backoffice.documents.constants import DocumentType
from backoffice.documents.services import PdfUpload
from backoffice.outgoing.models import OutgoingDocument
from backoffice.outgoing.services import (
    DraftInput,
    outgoing_approve,
    outgoing_draft_create,
    outgoing_submit,
)
from backoffice.signatures import pki
from backoffice.signatures.services import (
    agency_signing_certificate_save,
    staff_signing_key_save,
)
from tests.fixtures.signatures import make_pdf

PIN_VAR = "SIGNING_PASSWORD_HSM"


@dataclass
class Office:
    """The Sở Tư pháp: a specialist, a leader, a clerk; a leader elsewhere."""

    agency: Agency
    specialist: User
    leader: User
    clerk: User
    other_leader: User
    tree: dict[str, Agency]


def main_pdf() -> PdfUpload:
    return PdfUpload(
        "du-thao.pdf",
        make_pdf(["SỞ TƯ PHÁP", "QUYẾT ĐỊNH", "Về việc ban hành quy chế làm việc"]),
    )


def attachment_pdf(name: str = "phu-luc.pdf") -> PdfUpload:
    return PdfUpload(name, make_pdf(["PHỤ LỤC", "Danh sách kèm theo"]))


def draft_input(**overrides: Any) -> DraftInput:
    values: dict[str, Any] = {
        "document_type": DocumentType.QUYET_DINH,
        "subject": "Về việc ban hành Quy chế làm việc của Sở Tư pháp",
        "issuer_symbol": "STP",
        "drafting_unit": "Văn phòng Sở",
        "drafting_unit_symbol": "VP",
        "field": "Tổ chức bộ máy",
        "recipient_emails": ["vanthu@example.vn"],
    }
    values.update(overrides)
    return DraftInput(**values)


@pytest.fixture
def office(agency_tree, make_staff) -> Office:
    justice = agency_tree["justice"]
    return Office(
        agency=justice,
        specialist=make_staff("chuyenvien", agency=justice, role=Role.SPECIALIST),
        leader=make_staff("lanhdao", agency=justice, role=Role.LEADER),
        clerk=make_staff("vanthu", agency=justice, role=Role.CLERK),
        other_leader=make_staff(
            "lanhdaokhac", agency=agency_tree["ict"], role=Role.LEADER
        ),
        tree=agency_tree,
    )


@pytest.fixture
def pkcs12_keys(office, agency_pki) -> pki.KeyPair:
    """The leader's and the agency's keys as PKCS#12 files from the demo CA
    (its root is trusted)."""
    ca = pki.load_demo_ca(pki=agency_pki, password="pki-pass")
    for user, name in ((office.leader, "Nguyễn Văn Lãnh Đạo"),):
        keypair = pki.make_signing_certificate(issuer=ca, common_name=name)
        staff_signing_key_save(
            actor=None,
            user=user,
            pkcs12_data=pki.pkcs12_bytes(
                signer=keypair, chain=[ca.certificate], password=""
            ),
            position="Giám đốc",
        )
    keypair = pki.make_signing_certificate(issuer=ca, common_name=office.agency.name)
    agency_signing_certificate_save(
        actor=None,
        agency=office.agency,
        pkcs12_data=pki.pkcs12_bytes(
            signer=keypair, chain=[ca.certificate], password=""
        ),
    )
    return ca


@pytest.fixture
def token_keys(office, softhsm_token, settings, db):
    """The leader's and the agency's keys on the SoftHSM2 token; its root trusted."""
    from backoffice.signatures.services import trusted_certificate_upsert

    settings.SIGNING_KEY_PASSWORDS = {PIN_VAR: softhsm_token.pin}
    trusted_certificate_upsert(actor=None, pem=softhsm_token.root_pem.decode())
    token = {
        "pkcs11_module": softhsm_token.module,
        "token_label": softhsm_token.label,
    }
    staff_signing_key_save(
        actor=None,
        user=office.leader,
        kind="pkcs11",
        password_env=PIN_VAR,
        token={**token, "key_label": "leader-key"},
        position="Phó Giám đốc",
    )
    agency_signing_certificate_save(
        actor=None,
        agency=office.agency,
        kind="pkcs11",
        password_env=PIN_VAR,
        token={**token, "key_label": "agency-seal"},
    )
    return softhsm_token


@pytest.fixture
def approved(office) -> Callable[..., OutgoingDocument]:
    """Draft, submit and approve a document; returns it (approved)."""

    def make(attachments: int = 1, **overrides: Any) -> OutgoingDocument:
        document = outgoing_draft_create(
            agency=office.agency,
            actor=office.specialist,
            data=draft_input(**overrides),
            main=main_pdf(),
            attachments=[
                attachment_pdf(f"phu-luc-{i}.pdf") for i in range(attachments)
            ],
        )
        outgoing_submit(document=document, actor=office.specialist)
        return outgoing_approve(document=document, actor=office.leader)

    return make
