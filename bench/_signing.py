"""The set-up the signing benches share (signing_bench, release_request_bench).

`bench_start` makes a scratch directory with a SoftHSM2 token in it (first: SoftHSM
reads SOFTHSM2_CONF once per process), starts Django with media and keys in the
scratch directory and migrates the database. `bench_office` then adds an issuing
agency with a fresh code, its specialist, leader and clerk, and a trusted root;
the office switches the leader's and the agency's keys between PKCS#12 files and
the token, and takes a document from draft to approved.

Django models are imported inside the functions: this module is imported before
`django.setup()`.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backoffice.accounts.models import User
    from backoffice.core.models import Agency
    from backoffice.outgoing.models import OutgoingDocument
    from backoffice.signatures.pki import KeyPair
    from tests.fixtures.softhsm import SoftHsmToken

# The environment variable that holds the token PIN (its name, not a secret).
PIN_VARIABLE = "SIGNING_PASSWORD_BENCH"


def bench_start(prefix: str, *, tasks_eager: bool | None = None) -> SoftHsmToken:
    """Token, then Django on a migrated database; files go to a new scratch
    directory. `tasks_eager` (when given) sets Celery's task_always_eager before
    the migration runs."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    from tests.fixtures.softhsm import softhsm_token_make

    token = softhsm_token_make(scratch / "softhsm")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = scratch / "media"
    settings.SIGNING_KEYS_ROOT = scratch / "keys"
    settings.SIGNING_KEY_PASSWORDS = {PIN_VARIABLE: token.pin}
    if tasks_eager is not None:
        from config.celery import app

        app.conf.task_always_eager = tasks_eager
    call_command("migrate", verbosity=0)
    return token


@dataclass
class BenchOffice:
    """An issuing agency of one bench run: its staff, a root that issues the
    PKCS#12 keys, and the token holding the same kind of keys."""

    run: str
    agency: Agency
    specialist: User
    leader: User
    clerk: User
    root: KeyPair
    token: SoftHsmToken

    def _p12(self, name: str) -> bytes:
        from backoffice.signatures import pki

        keypair = pki.make_signing_certificate(issuer=self.root, common_name=name)
        return pki.pkcs12_bytes(
            signer=keypair, chain=[self.root.certificate], password=""
        )

    def use_pkcs12(self) -> None:
        """The leader and the agency sign with keys in PKCS#12 files."""
        from backoffice.signatures.services import (
            agency_signing_certificate_save,
            staff_signing_key_save,
        )

        staff_signing_key_save(
            actor=None,
            user=self.leader,
            pkcs12_data=self._p12("Lãnh đạo đo"),
            position="GĐ",
        )
        agency_signing_certificate_save(
            actor=None, agency=self.agency, pkcs12_data=self._p12(self.agency.name)
        )

    def use_token(self) -> None:
        """The leader and the agency sign with the keys on the SoftHSM2 token."""
        from backoffice.signatures.services import (
            agency_signing_certificate_save,
            staff_signing_key_save,
        )

        common = {"pkcs11_module": self.token.module, "token_label": self.token.label}
        staff_signing_key_save(
            actor=None,
            user=self.leader,
            kind="pkcs11",
            password_env=PIN_VARIABLE,
            token={**common, "key_label": "leader-key"},
        )
        agency_signing_certificate_save(
            actor=None,
            agency=self.agency,
            kind="pkcs11",
            password_env=PIN_VARIABLE,
            token={**common, "key_label": "agency-seal"},
        )

    def approved(
        self,
        *,
        subject: str,
        main: bytes,
        main_name: str = "du-thao.pdf",
        attachments: Sequence[bytes] = (),
    ) -> OutgoingDocument:
        """A decision drafted by the specialist, submitted and approved by the
        leader, ready for release."""
        from backoffice.documents.services import PdfUpload
        from backoffice.outgoing.services import (
            DraftInput,
            outgoing_approve,
            outgoing_draft_create,
            outgoing_submit,
        )

        document = outgoing_draft_create(
            agency=self.agency,
            actor=self.specialist,
            data=DraftInput(
                document_type="quyet-dinh",
                subject=subject,
                issuer_symbol="BENCH",
                recipient_emails=["bench@example.vn"],
            ),
            main=PdfUpload(main_name, main),
            attachments=[PdfUpload("phu-luc.pdf", pdf) for pdf in attachments],
        )
        outgoing_submit(document=document, actor=self.specialist)
        return outgoing_approve(document=document, actor=self.leader)


def bench_office(
    *,
    token: SoftHsmToken,
    code_suffix: str,
    name: str,
    username_prefix: str,
    root_name: str,
) -> BenchOffice:
    """A new agency (`name`, `root_name` and the user names get the run's id),
    its specialist, leader and clerk, and trust in the bench root and the
    token's root. No keys yet: call `use_pkcs12` or `use_token`."""
    from backoffice.accounts.models import User
    from backoffice.core.constants import AgencyLevel, Role
    from backoffice.core.models import Agency
    from backoffice.core.services import membership_grant
    from backoffice.signatures import pki
    from backoffice.signatures.services import trusted_certificate_upsert

    run = uuid.uuid4().hex[:6]
    agency = Agency.objects.create(
        code=f"000.{int(run, 16) % 100:02d}.{int(run[:2], 16) % 100:02d}.{code_suffix}",
        name=f"{name} {run}",
        level=AgencyLevel.DEPARTMENT,
    )

    def staff(role: str) -> User:
        user = User.objects.create_user(
            username=f"{username_prefix}-{role}-{run}", password=run
        )
        membership_grant(actor=None, user=user, agency=agency, role=role)
        return user

    specialist, leader, clerk = (
        staff(Role.SPECIALIST),
        staff(Role.LEADER),
        staff(Role.CLERK),
    )
    root = pki.make_root(common_name=f"{root_name} {run}")
    trusted_certificate_upsert(
        actor=None, pem=pki.certificate_pem(root.certificate).decode()
    )
    trusted_certificate_upsert(actor=None, pem=token.root_pem.decode())
    return BenchOffice(
        run=run,
        agency=agency,
        specialist=specialist,
        leader=leader,
        clerk=clerk,
        root=root,
        token=token,
    )
