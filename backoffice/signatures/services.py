"""Writes of the signatures capability: the trust store, agency signing
certificates, imported CRLs and the demo PKI."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cryptography import x509

from backoffice.core.models import Agency
from backoffice.core.services import audit_record, snapshot

from .constants import DEMO_ORGANIZATION, CertificateKind, SigningKeyKind
from .models import (
    AgencySigningCertificate,
    RevocationList,
    SigningKeySource,
    StaffSigningKey,
    TrustedCertificate,
)
from .pki import (
    DemoPki,
    certificate_facts,
    load_demo_ca,
    make_crl,
    make_demo_pki,
    make_signing_certificate,
    pkcs12_bytes,
)

# A demo CRL is re-issued when less than this remains before its nextUpdate.
DEMO_CRL_DAYS = 30
DEMO_CRL_RENEW_BEFORE = dt.timedelta(days=7)


@transaction.atomic
def trusted_certificate_upsert(
    *,
    actor: AbstractBaseUser | None,
    pem: str,
    kind: str = CertificateKind.ROOT,
    name: str = "",
) -> TrustedCertificate:
    """Add a certificate to the trust store, or re-activate the row holding it.

    Identified by SHA-256 fingerprint; validates like the admin form (ValidationError
    on garbage) and writes an audit record when something changed.
    """
    try:
        fingerprint = certificate_facts(pem.strip()).fingerprint_sha256
    except ValueError:
        fingerprint = None  # full_clean() below explains what is wrong
    certificate = (
        TrustedCertificate.objects.filter(fingerprint_sha256=fingerprint).first()
        if fingerprint
        else None
    )
    before = snapshot(certificate) if certificate else None
    if certificate is None:
        certificate = TrustedCertificate(pem=pem, kind=kind, name=name)
    certificate.kind, certificate.is_active = kind, True
    if name:
        certificate.name = name
    certificate.full_clean()
    after = snapshot(certificate)
    if before == after:
        return certificate
    certificate.save()
    audit_record(
        actor=actor,
        action=(
            "trustedcertificate.created"
            if before is None
            else "trustedcertificate.updated"
        ),
        obj=certificate,
        before=before,
        after=after,
    )
    return certificate


def demo_pki_install(
    *,
    actor: AbstractBaseUser | None,
    directory: Path,
    password: str,
    force: bool = False,
) -> tuple[DemoPki, TrustedCertificate]:
    """Make (or keep) the demo PKI files and trust its root in the database."""
    pki = make_demo_pki(directory=directory, password=password, force=force)
    root = trusted_certificate_upsert(
        actor=actor,
        pem=pki.root_pem_path.read_text(),
        kind=CertificateKind.ROOT,
    )
    return pki, root


def _key_facts(record: SigningKeySource) -> dict[str, Any]:
    # What the audit log keeps about a signing key: never the file or a password.
    return {
        **snapshot(record),
        "pkcs12_file": record.pkcs12_file.name,
        "subject": record.subject,
        "issuer": record.issuer,
        "serial": record.serial,
        "fingerprint_sha256": record.fingerprint_sha256,
        "not_after": record.not_after.isoformat() if record.not_after else None,
    }


def _apply_key(
    record: SigningKeySource,
    *,
    kind: str,
    password_env: str,
    is_active: bool,
    pkcs12_data: bytes | None,
    token: dict[str, str] | None,
) -> None:
    record.kind, record.password_env, record.is_active = kind, password_env, is_active
    if pkcs12_data is not None:
        record.pkcs12_file = ContentFile(pkcs12_data, name="key.p12")
    for name in ("pkcs11_module", "token_label", "key_label", "cert_label"):
        setattr(record, name, (token or {}).get(name, ""))


@transaction.atomic
def staff_signing_key_save(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    kind: str = SigningKeyKind.PKCS12,
    pkcs12_data: bytes | None = None,
    password_env: str = "",
    token: dict[str, str] | None = None,
    position: str = "",
    signature_png: bytes | None = None,
    is_active: bool = True,
) -> StaffSigningKey:
    """Create or update a staff member's personal signing key (one per person).

    `token` names a PKCS#11 key: {"pkcs11_module", "token_label", "key_label",
    "cert_label"}; the PIN is in the environment variable `password_env`. The
    key is opened and its certificate checked (ValidationError, nothing saved,
    for a wrong PIN, a missing label, an expired certificate...). Audited.
    """
    record = StaffSigningKey.objects.filter(user=user).first()
    before = _key_facts(record) if record else None
    if record is None:
        record = StaffSigningKey(user=user)
    _apply_key(
        record,
        kind=kind,
        password_env=password_env,
        is_active=is_active,
        pkcs12_data=pkcs12_data,
        token=token,
    )
    record.position = position or record.position
    if signature_png is not None:
        record.signature_image = ContentFile(signature_png, name="signature.png")
    _key_store(record, actor=actor, before=before)
    return record


def _key_store(
    record: StaffSigningKey | AgencySigningCertificate,
    *,
    actor: AbstractBaseUser | None,
    before: dict[str, Any] | None,
    agency: Agency | None = None,
) -> None:
    """Validate and save a signing key, audited as `<model>.created|updated`."""
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=f"{record._meta.model_name}."
        + ("created" if before is None else "updated"),
        obj=record,
        before=before,
        after=_key_facts(record),
        agency=agency,
    )


@transaction.atomic
def agency_signing_certificate_save(
    *,
    actor: AbstractBaseUser | None,
    agency: Agency,
    pkcs12_data: bytes | None = None,
    password_env: str = "",
    kind: str = SigningKeyKind.PKCS12,
    is_active: bool = True,
    token: dict[str, str] | None = None,
    seal_png: bytes | None = None,
) -> AgencySigningCertificate:
    """Create or update the signing certificate of `agency` (one per agency).

    `pkcs12_data` replaces the key file (None keeps the stored one). Validates like
    the admin form — the file (or the PKCS#11 key named by `token`, see
    `staff_signing_key_save`) must open with the password or PIN held in the
    environment variable `password_env` and hold a certificate that can sign
    today — raising ValidationError and changing nothing. Audited.
    """
    record = AgencySigningCertificate.objects.filter(agency=agency).first()
    before = _key_facts(record) if record else None
    if record is None:
        record = AgencySigningCertificate(agency=agency)
    _apply_key(
        record,
        kind=kind,
        password_env=password_env,
        is_active=is_active,
        pkcs12_data=pkcs12_data,
        token=token,
    )
    if seal_png is not None:
        record.seal_image = ContentFile(seal_png, name="seal.png")
    _key_store(record, actor=actor, before=before, agency=agency)
    return record


@dataclass(frozen=True)
class CrlImport:
    """Result of importing one CRL file: the row and what happened to it."""

    crl: RevocationList
    outcome: str  # "created" | "updated" | "unchanged"


def _crl_facts(row: RevocationList) -> dict[str, Any]:
    return {
        "issuer": row.issuer,
        "number": row.number,
        "this_update": row.this_update.isoformat(),
        "next_update": row.next_update.isoformat() if row.next_update else None,
        "revoked_count": row.revoked_count,
        "sha256": row.sha256,
    }


@transaction.atomic
def revocation_list_import(*, actor: AbstractBaseUser | None, data: bytes) -> CrlImport:
    """Store a CRL file (DER or PEM) as the list of its CA, replacing an older one.

    Raises ValidationError and changes nothing for anything but one full CRL, for a
    list older than the stored one of the same CA, and for a list whose signature
    does not match that CA's certificate in the trust store. Audited.
    """
    probe = RevocationList()
    probe.stage_crl(data)
    row = RevocationList.objects.filter(
        issuer_hash=probe.issuer_hash, authority_key_id=probe.authority_key_id
    ).first()
    if row is not None and row.sha256 == probe.sha256:
        return CrlImport(crl=row, outcome="unchanged")
    before = _crl_facts(row) if row else None
    row = row or RevocationList()
    row.stage_crl(data)
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="revocationlist.created" if before is None else "revocationlist.updated",
        obj=row,
        before=before,
        after=_crl_facts(row),
    )
    return CrlImport(crl=row, outcome="created" if before is None else "updated")


def demo_agency_certificate_install(
    *, actor: AbstractBaseUser | None, agency: Agency, pki: DemoPki, password: str
) -> AgencySigningCertificate | None:
    """Give `agency` its own signing certificate issued by the demo CA (kept if it
    has one). None when the demo CA key is not at hand (a PKI made before it was
    kept, or another password): the agency then signs with the installation
    certificate."""
    existing = AgencySigningCertificate.objects.filter(agency=agency).first()
    if existing is not None:
        return existing
    try:
        ca = load_demo_ca(pki=pki, password=password)
    except (OSError, ValueError, TypeError):
        return None
    keypair = make_signing_certificate(
        issuer=ca, common_name=agency.name, organization=DEMO_ORGANIZATION
    )
    # No password, so no environment variable to set for the demo; the file is
    # still private (SIGNING_KEYS_ROOT, mode 0600).
    data = pkcs12_bytes(signer=keypair, chain=[ca.certificate], password="")
    return agency_signing_certificate_save(actor=actor, agency=agency, pkcs12_data=data)


def demo_staff_key_install(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    pki: DemoPki,
    password: str,
    position: str,
) -> StaffSigningKey | None:
    """Give a demo leader a personal signing key from the demo CA (kept if they
    have one). None without the demo CA key."""
    existing = StaffSigningKey.objects.filter(user=user).first()
    if existing is not None:
        return existing
    try:
        ca = load_demo_ca(pki=pki, password=password)
    except (OSError, ValueError, TypeError):
        return None
    keypair = make_signing_certificate(
        issuer=ca,
        common_name=user.get_full_name() or user.get_username(),
        organization=DEMO_ORGANIZATION,
    )
    data = pkcs12_bytes(signer=keypair, chain=[ca.certificate], password="")
    return staff_signing_key_save(
        actor=actor, user=user, pkcs12_data=data, position=position
    )


def demo_crl_install(
    *, actor: AbstractBaseUser | None, pki: DemoPki, password: str
) -> RevocationList | None:
    """Publish an (empty) CRL of the demo CA, so demo signatures are checked for
    revocation offline; re-issued when it nears its nextUpdate. None without the
    demo CA key."""
    try:
        ca = load_demo_ca(pki=pki, password=password)
    except (OSError, ValueError, TypeError):
        return None
    now = timezone.now()
    key_id = x509.SubjectKeyIdentifier.from_public_key(ca.key.public_key()).digest
    current = RevocationList.objects.filter(
        authority_key_id=key_id.hex(), next_update__gt=now
    ).first()
    if current is not None and current.next_update - now > DEMO_CRL_RENEW_BEFORE:
        return current
    data = make_crl(
        issuer=ca,
        this_update=now - dt.timedelta(minutes=1),
        next_update=now + dt.timedelta(days=DEMO_CRL_DAYS),
        number=int(now.timestamp()),
    )
    try:
        return revocation_list_import(actor=actor, data=data).crl
    except ValidationError:
        return None  # a CRL of another demo CA with the same name is stored
