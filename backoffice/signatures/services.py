"""Writes of the signatures capability: the trust store and the demo PKI."""

from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from backoffice.core.services import audit_record, snapshot

from .constants import CertificateKind
from .models import TrustedCertificate
from .pki import DemoPki, certificate_facts, make_demo_pki


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
