"""A small demo PKI (root CA + agency signing certificate), certificate, PKCS#12 and
CRL parsing.

Nothing here touches the database: `make_demo_pki` writes files, the rest is pure.
Tests use the same functions to make expired, not-yet-valid and foreign certificates,
and certificate revocation lists.
"""

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .constants import DEMO_AGENCY_NAME, DEMO_ORGANIZATION, DEMO_ROOT_NAME

PKCS12_NAME = "agency.p12"
ROOT_PEM_NAME = "root.pem"
# The demo CA's private key, kept so the demo can issue more agency certificates.
ROOT_KEY_NAME = "root-key.pem"


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
    root_key_path: Path | None = None  # None: made before the key was kept


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
    crl_url: str | None = None,
) -> KeyPair:
    """An end-entity certificate for signing documents (digitalSignature +
    nonRepudiation), issued by `issuer`; valid two years from now by default.
    `crl_url` adds a CRL distribution point naming where its CA publishes the CRL."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = not_before or _now() - dt.timedelta(days=1)
    builder = (
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
    )
    if crl_url:
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
        builder = builder.add_extension(
            x509.CRLDistributionPoints([point]), critical=False
        )
    certificate = builder.sign(issuer.key, hashes.SHA256())
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
    """Write `agency.p12` + `root.pem` into `directory`, and the CA key
    (`root-key.pem`, mode 0600, encrypted with `password` when there is one) so the
    demo can issue agency certificates later; keeps existing files unless `force`.
    Raises FileExistsError if only one of `agency.p12` and `root.pem` is there."""
    directory.mkdir(parents=True, exist_ok=True)
    p12_path, root_path = directory / PKCS12_NAME, directory / ROOT_PEM_NAME
    key_path = directory / ROOT_KEY_NAME
    present = [path.exists() for path in (p12_path, root_path)]
    if all(present) and not force:
        return DemoPki(
            pkcs12_path=p12_path,
            root_pem_path=root_path,
            created=False,
            root_key_path=key_path if key_path.exists() else None,
        )
    if any(present) and not force:
        raise FileExistsError(
            _(
                "Chỉ có một trong hai tệp %(pkcs12)s và %(root)s; "
                "dùng --force để tạo lại cả hai."
            )
            % {"pkcs12": p12_path, "root": root_path}
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
    _write_private(key_path, _private_key_pem(root.key, password))
    root_path.write_bytes(certificate_pem(root.certificate))
    return DemoPki(
        pkcs12_path=p12_path,
        root_pem_path=root_path,
        created=True,
        root_key_path=key_path,
    )


def _private_key_pem(key: rsa.RSAPrivateKey, password: str) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def load_demo_ca(*, pki: DemoPki, password: str) -> KeyPair:
    """The demo root CA (key + certificate) written by `make_demo_pki`.

    Raises FileNotFoundError when the key was not kept (a PKI made before that) and
    ValueError when the password does not open it.
    """
    if pki.root_key_path is None:
        raise FileNotFoundError(
            _("%(ROOT_KEY_NAME)s không có trong %(root_pem_path)s")
            % {"ROOT_KEY_NAME": ROOT_KEY_NAME, "root_pem_path": pki.root_pem_path}
        )
    key = serialization.load_pem_private_key(
        pki.root_key_path.read_bytes(), password=password.encode() or None
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the demo CA key is not an RSA key")
    certificate = x509.load_pem_x509_certificate(pki.root_pem_path.read_bytes())
    return KeyPair(key=key, certificate=certificate)


class Pkcs12Problem(ValueError):
    """Why a PKCS#12 file cannot sign; `code` names the problem, `moment` the date
    that matters for "expired" / "not_yet_valid"."""

    def __init__(self, code: str, moment: dt.datetime | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.moment = moment


def _public_der(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )


def pkcs12_check(*, data: bytes, password: str, at: dt.datetime) -> CertificateFacts:
    """Facts of the signing certificate in a PKCS#12 file that can sign at `at`.

    Raises Pkcs12Problem with code "unreadable" (garbage or wrong password),
    "no_key", "no_certificate", "key_mismatch", "key_usage", "expired" or
    "not_yet_valid".
    """
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(
            data, password.encode() or None
        )
    except (ValueError, TypeError) as exc:
        raise Pkcs12Problem("unreadable") from exc
    if key is None:
        raise Pkcs12Problem("no_key")
    if certificate is None:
        raise Pkcs12Problem("no_certificate")
    if _public_der(key.public_key()) != _public_der(certificate.public_key()):
        raise Pkcs12Problem("key_mismatch")
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise Pkcs12Problem("key_usage")
    if certificate.not_valid_before_utc > at:
        raise Pkcs12Problem("not_yet_valid", certificate.not_valid_before_utc)
    if certificate.not_valid_after_utc < at:
        raise Pkcs12Problem("expired", certificate.not_valid_after_utc)
    return certificate_facts(certificate_pem(certificate))


def make_crl(
    *,
    issuer: KeyPair,
    revoked: list[tuple[int, dt.datetime]] | None = None,
    this_update: dt.datetime | None = None,
    next_update: dt.datetime | None = None,
    number: int = 1,
) -> bytes:
    """A DER CRL signed by `issuer` listing (serial, revocation date) pairs;
    issued a minute ago and valid seven days by default."""
    start = this_update or _now() - dt.timedelta(minutes=1)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(start)
        .next_update(next_update or start + dt.timedelta(days=7))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for serial, when in revoked or []:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when)
            .build()
        )
    crl = builder.sign(issuer.key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class CrlFacts:
    """What the database records about one certificate revocation list."""

    der: bytes
    sha256: str
    issuer: str
    issuer_hash: str  # SHA-256 of the issuer name (DER): one list per CA
    authority_key_id: str
    number: str
    this_update: dt.datetime
    next_update: dt.datetime | None
    revoked_count: int
    is_delta: bool


def crl_facts(data: bytes) -> CrlFacts:
    """Parse one CRL (DER or PEM); raises ValueError for anything else."""
    if b"-----BEGIN" in data:
        crl = x509.load_pem_x509_crl(data)
    else:
        crl = x509.load_der_x509_crl(data)
    extensions = crl.extensions
    try:
        number = str(
            extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        )
    except x509.ExtensionNotFound:
        number = ""
    try:
        aki = extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
        key_id = (aki.value.key_identifier or b"").hex()
    except x509.ExtensionNotFound:
        key_id = ""
    try:
        extensions.get_extension_for_class(x509.DeltaCRLIndicator)
        is_delta = True
    except x509.ExtensionNotFound:
        is_delta = False
    der = crl.public_bytes(serialization.Encoding.DER)
    return CrlFacts(
        der=der,
        sha256=hashlib.sha256(der).hexdigest(),
        issuer=_rfc4514(crl.issuer),
        issuer_hash=hashlib.sha256(crl.issuer.public_bytes()).hexdigest(),
        authority_key_id=key_id,
        number=number,
        this_update=crl.last_update_utc,
        next_update=crl.next_update_utc,
        revoked_count=len(crl),
        is_delta=is_delta,
    )


def crl_signed_by(data: bytes, certificate_pem_text: str) -> bool:
    """Whether the CRL (DER) carries a valid signature by this certificate's key."""
    crl = x509.load_der_x509_crl(data)
    certificate = x509.load_pem_x509_certificate(certificate_pem_text.encode())
    try:
        return crl.is_signature_valid(certificate.public_key())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


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
