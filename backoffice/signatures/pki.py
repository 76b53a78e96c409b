"""A small demo PKI (root CA + agency signing certificate) and certificate parsing.

Nothing here touches the database: `make_demo_pki` writes files, the rest is pure.
Tests use the same functions to make expired, not-yet-valid and foreign certificates.
"""

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .constants import DEMO_AGENCY_NAME, DEMO_ORGANIZATION, DEMO_ROOT_NAME

PKCS12_NAME = "agency.p12"
ROOT_PEM_NAME = "root.pem"


@dataclass(frozen=True)
class KeyPair:
    """A private key and the certificate issued for it."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


@dataclass(frozen=True)
class CertificateFacts:
    """What the trust store records about one certificate."""

    pem: str
    subject: str
    issuer: str
    common_name: str
    serial: str
    fingerprint_sha256: str
    not_before: dt.datetime
    not_after: dt.datetime
    self_issued: bool


@dataclass(frozen=True)
class DemoPki:
    """Where `make_demo_pki` left its files, and whether it made them just now."""

    pkcs12_path: Path
    root_pem_path: Path
    created: bool


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Sóc Trăng"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _make_ca(
    *,
    common_name: str,
    organization: str,
    issuer: KeyPair | None,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
) -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name(common_name, organization)
    start = not_before or _now() - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after or start + dt.timedelta(days=3650))
        .add_extension(
            x509.BasicConstraints(ca=True, path_length=None if issuer else 1),
            critical=True,
        )
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
            critical=False,
        )
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return KeyPair(key=key, certificate=certificate)


def make_root(
    *,
    common_name: str = DEMO_ROOT_NAME,
    organization: str = DEMO_ORGANIZATION,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> KeyPair:
    """A self-signed root CA (RSA 2048), valid ten years from now by default."""
    return _make_ca(
        common_name=common_name,
        organization=organization,
        issuer=None,
        not_before=not_before,
        not_after=not_after,
    )


def make_intermediate(
    *,
    issuer: KeyPair,
    common_name: str,
    organization: str = DEMO_ORGANIZATION,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> KeyPair:
    """A subordinate CA issued by `issuer`, valid ten years from now by default."""
    return _make_ca(
        common_name=common_name,
        organization=organization,
        issuer=issuer,
        not_before=not_before,
        not_after=not_after,
    )


def make_signing_certificate(
    *,
    issuer: KeyPair,
    common_name: str = DEMO_AGENCY_NAME,
    organization: str = DEMO_ORGANIZATION,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> KeyPair:
    """An end-entity certificate for signing documents (digitalSignature +
    nonRepudiation), issued by `issuer`; valid two years from now by default."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = not_before or _now() - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after or start + dt.timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
            critical=False,
        )
        .sign(issuer.key, hashes.SHA256())
    )
    return KeyPair(key=key, certificate=certificate)


def pkcs12_bytes(
    *, signer: KeyPair, chain: list[x509.Certificate], password: str
) -> bytes:
    """The signer's key, certificate and chain as PKCS#12 (unencrypted if no password:
    PKCS#12 cannot carry an empty password)."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"agency", signer.key, signer.certificate, chain, encryption
    )


def certificate_pem(certificate: x509.Certificate) -> bytes:
    """PEM text of a certificate."""
    return certificate.public_bytes(serialization.Encoding.PEM)


def _write_private(path: Path, data: bytes) -> None:
    # The PKCS#12 file holds a private key: readable by its owner only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def make_demo_pki(
    *,
    directory: Path,
    password: str,
    force: bool = False,
    valid_days: int = 730,
) -> DemoPki:
    """Write `agency.p12` + `root.pem` into `directory`; keeps existing files unless
    `force`. Raises FileExistsError if only one of the two files is there."""
    directory.mkdir(parents=True, exist_ok=True)
    p12_path, root_path = directory / PKCS12_NAME, directory / ROOT_PEM_NAME
    present = [path.exists() for path in (p12_path, root_path)]
    if all(present) and not force:
        return DemoPki(pkcs12_path=p12_path, root_pem_path=root_path, created=False)
    if any(present) and not force:
        raise FileExistsError(
            f"Chỉ có một trong hai tệp {p12_path} và {root_path}; "
            "dùng --force để tạo lại cả hai."
        )
    root = make_root()
    start = _now() - dt.timedelta(days=1)
    agency = make_signing_certificate(
        issuer=root, not_before=start, not_after=start + dt.timedelta(days=valid_days)
    )
    _write_private(
        p12_path,
        pkcs12_bytes(signer=agency, chain=[root.certificate], password=password),
    )
    root_path.write_bytes(certificate_pem(root.certificate))
    return DemoPki(pkcs12_path=p12_path, root_pem_path=root_path, created=True)


def _rfc4514(name: x509.Name) -> str:
    return name.rfc4514_string()


def certificate_facts(pem: str | bytes) -> CertificateFacts:
    """Parse exactly one PEM certificate; raises ValueError for anything else."""
    data = pem.encode() if isinstance(pem, str) else pem
    if data.count(b"-----BEGIN CERTIFICATE-----") != 1:
        raise ValueError("expected exactly one PEM certificate")
    certificate = x509.load_pem_x509_certificate(data)
    common_names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    der = certificate.public_bytes(serialization.Encoding.DER)
    return CertificateFacts(
        pem=certificate_pem(certificate).decode(),
        subject=_rfc4514(certificate.subject),
        issuer=_rfc4514(certificate.issuer),
        common_name=str(common_names[0].value) if common_names else "",
        serial=format(certificate.serial_number, "x"),
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        self_issued=certificate.subject == certificate.issuer,
    )
