"""Models of the signatures capability: trust store, signing keys, CRLs."""

from .keys import (
    PKCS12_MAX_BYTES,
    AgencySigningCertificate,
    SigningKeySource,
    StaffSigningKey,
    signing_key_path,
)
from .revocation import CRL_MAX_BYTES, RevocationList
from .trust import DERIVED_FIELDS, TrustedCertificate, TrustedCertificateQuerySet

__all__ = [
    "CRL_MAX_BYTES",
    "DERIVED_FIELDS",
    "PKCS12_MAX_BYTES",
    "AgencySigningCertificate",
    "RevocationList",
    "SigningKeySource",
    "StaffSigningKey",
    "TrustedCertificate",
    "TrustedCertificateQuerySet",
    "signing_key_path",
]
