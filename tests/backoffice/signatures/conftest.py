"""A PKI generated once per test session, Vietnamese PDFs and signing helpers."""

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from backoffice.signatures import pki
from backoffice.signatures.models import TrustedCertificate
from backoffice.signatures.services import trusted_certificate_upsert
from backoffice.signatures.signing import load_signer, pdf_sign

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)
PKCS12_PASSWORD = "test-pass"


@dataclass(frozen=True)
class TestPki:
    """Certificates for every scenario; signers are pyHanko SimpleSigners."""

    root: pki.KeyPair
    foreign_root: pki.KeyPair
    intermediate: pki.KeyPair
    agency: SimpleSigner
    leader: SimpleSigner
    foreign: SimpleSigner
    expired: SimpleSigner
    not_yet_valid: SimpleSigner
    expired_since: SimpleSigner  # valid from NOW-30d to NOW-10d
    behind_intermediate: SimpleSigner  # carries no chain in its PKCS#12

    @property
    def root_pem(self) -> bytes:
        return pki.certificate_pem(self.root.certificate)


def signer_of(
    keypair: pki.KeyPair, chain: list, password: str = PKCS12_PASSWORD
) -> SimpleSigner:
    data = pki.pkcs12_bytes(signer=keypair, chain=chain, password=password)
    return load_signer(pkcs12_data=data, password=password)


def make_timestamper(issuer: pki.KeyPair) -> DummyTimeStamper:
    """An in-process RFC 3161 time-stamping authority certified by `issuer`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Demo TSA")]))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - 365 * DAY)
        .not_valid_after(NOW + 365 * DAY)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .sign(issuer.key, hashes.SHA256())
    )
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
        ),
        certs_to_embed=[
            asn1_x509.Certificate.load(issuer.certificate.public_bytes(Encoding.DER))
        ],
    )


@pytest.fixture(scope="session")
def test_pki() -> TestPki:
    root = pki.make_root()
    foreign_root = pki.make_root(common_name="Untrusted Root CA", organization="X")
    intermediate = pki.make_intermediate(issuer=root, common_name="Demo Sub CA")
    chain = [root.certificate]

    def issued(**kwargs: object) -> SimpleSigner:
        return signer_of(pki.make_signing_certificate(issuer=root, **kwargs), chain)

    return TestPki(
        root=root,
        foreign_root=foreign_root,
        intermediate=intermediate,
        agency=issued(),
        leader=issued(common_name="Nguyễn Văn An", organization="Sở Tư pháp"),
        foreign=signer_of(
            pki.make_signing_certificate(issuer=foreign_root),
            [foreign_root.certificate],
        ),
        expired=issued(not_before=NOW - 30 * DAY, not_after=NOW - DAY),
        not_yet_valid=issued(not_before=NOW + DAY, not_after=NOW + 30 * DAY),
        expired_since=issued(not_before=NOW - 30 * DAY, not_after=NOW - 10 * DAY),
        behind_intermediate=signer_of(
            pki.make_signing_certificate(issuer=intermediate), []
        ),
    )


def make_pdf(lines: list[str] | None = None) -> bytes:
    """A one-page A4 PDF with Vietnamese text in DejaVuSans, uncompressed."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", DEJAVU))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    page.setFont("DejaVuSans", 13)
    y = 780
    for line in lines or [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.00.11.H53-20270203-0000001",
    ]:
        page.drawString(72, y, line)
        y -= 22
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    return make_pdf()


@pytest.fixture(scope="session")
def signed_pdf(plain_pdf: bytes, test_pki: TestPki) -> bytes:
    return pdf_sign(
        pdf_bytes=plain_pdf,
        signer=test_pki.agency,
        reason="Tiếp nhận hồ sơ",
        location="Sóc Trăng",
    )


@pytest.fixture(autouse=True)
def _isolated_trust_settings(settings, tmp_path: Path) -> None:
    """No trust roots or signing file leak in from the environment."""
    settings.TRUST_ROOT_FILES = []
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "none" / "agency.p12")
    settings.SIGNING_PKCS12_PASSWORD = ""


@pytest.fixture
def trust_root(db, test_pki: TestPki) -> TrustedCertificate:
    """The test root as an active row of the trust store."""
    return trusted_certificate_upsert(
        actor=None, pem=test_pki.root_pem.decode(), name="Test root"
    )


@pytest.fixture
def root_pem_file(tmp_path: Path, test_pki: TestPki) -> Path:
    path = tmp_path / "root.pem"
    path.write_bytes(test_pki.root_pem)
    return path


def flip(data: bytes, offset: int) -> bytes:
    """`data` with one byte changed (to another printable byte) at `offset`."""
    changed = bytearray(data)
    changed[offset] = ord("1") if changed[offset] != ord("1") else ord("2")
    return bytes(changed)


def cms_hex_span(signed: bytes) -> tuple[int, int]:
    """Offset and length of the meaningful hex digits of the last /Contents blob."""
    match = list(re.finditer(rb"/Contents\s*<([0-9a-fA-F]+)>", signed))[-1]
    digits = match.group(1)
    # Trailing zero padding fills the reserved space and is not part of the DER.
    return match.start(1), len(digits.rstrip(b"0"))


@pytest.fixture
def frozen_signing_clock(monkeypatch) -> Iterator[Callable[[dt.datetime], None]]:
    """Make pyHanko believe it signs at a given moment (signingTime + /M)."""
    import pyhanko.sign.signers.pdf_signer as pdf_signer

    real = pdf_signer.datetime

    def freeze(moment: dt.datetime) -> None:
        class Frozen(real):  # type: ignore[misc, valid-type]
            @classmethod
            def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:
                return moment.astimezone(tz) if tz else moment

        monkeypatch.setattr(pdf_signer, "datetime", Frozen)

    yield freeze
