import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from backoffice.exchange.edxml.model import (
    Attachment,
    Header,
    Organ,
    Packet,
    Signer,
    Trace,
)
from tests.backoffice.outgoing.conftest import (  # noqa: F401 — shared fixtures
    approved,
    office,
    pkcs12_keys,
)
from tests.fixtures.dossier_desk import accepted, desk, submitted  # noqa: F401


def make_key_and_certificate(common_name: str):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return key, certificate


@pytest.fixture(scope="session")
def sender_keys():
    return make_key_and_certificate("Sở TT&TT Sóc Trăng — liên thông")


@pytest.fixture(scope="session")
def stranger_keys():
    return make_key_and_certificate("Không đăng ký")


@pytest.fixture
def cert_file(tmp_path):
    def write(certificate, name="peer.pem"):
        path = tmp_path / name
        path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return path

    return write


@pytest.fixture
def packet() -> Packet:
    return Packet(
        header=Header(
            sender=Organ(organ_id="000.00.11.H53", organ_name="Sở TT&TT Sóc Trăng"),
            recipients=(
                Organ(organ_id="000.00.04.H60", organ_name="Sở Tư pháp Cần Thơ"),
            ),
            code_number="125",
            code_notation="STTTT-VP",
            promulgation_place="Sóc Trăng",
            promulgation_date=dt.date(2026, 11, 30),
            document_type=2,
            document_type_name="Công văn",
            subject="V/v phối hợp triển khai liên thông văn bản điện tử",
            signer=Signer(
                competence="KT. GIÁM ĐỐC",
                position="Phó Giám đốc",
                full_name="Trần Văn Bình",
            ),
            due_date=dt.date(2026, 12, 15),
            priority=1,
            page_amount=2,
        ),
        attachments=(
            Attachment(
                content_id="main",
                name="125-STTTT-VP.pdf",
                content=b"%PDF-1.7\nmain\n%%EOF\n",
            ),
            Attachment(
                content_id="att1",
                name="phu-luc.pdf",
                content=b"%PDF-1.7\nannex\n%%EOF\n",
            ),
        ),
        traces=(
            Trace(
                organ_id="000.00.11.H53", timestamp=dt.datetime(2026, 11, 30, 9, 15, 0)
            ),
        ),
    )


@pytest.fixture(scope="session")
def installations(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two live installations A and B on loopback (see live.py), started."""
    from django.db import connection

    from .live import Databases, pair, shutdown

    workdir = tmp_path_factory.mktemp("exchange-live")
    with django_db_blocker.unblock():
        databases = Databases(connection, workdir)
        a, b = pair(workdir, databases)
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        with django_db_blocker.unblock():
            shutdown(a, b, databases=databases)
