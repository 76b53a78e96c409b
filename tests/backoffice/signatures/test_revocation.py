"""Revocation checking: imported CRLs, CRLs fetched from a loopback server, the
cache, a network that does not answer, and `manage.py import_crl`."""

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from backoffice.core.models import AuditLogEntry
from backoffice.signatures import pki
from backoffice.signatures.constants import Reason, RevocationNote
from backoffice.signatures.models import RevocationList
from backoffice.signatures.services import (
    revocation_list_import,
    trusted_certificate_upsert,
)
from backoffice.signatures.signing import pdf_sign
from backoffice.signatures.verification import pdf_verify
from tests.fixtures.signatures import DAY, NOW, make_pdf, signer_of

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Ca:
    """A CA made by the test, with two certificates it issued."""

    root: pki.KeyPair
    good: pki.KeyPair
    revoked: pki.KeyPair

    def sign(self, keypair: pki.KeyPair) -> bytes:
        signer = signer_of(keypair, [self.root.certificate])
        return pdf_sign(pdf_bytes=make_pdf(), signer=signer)

    def crl(self, **kwargs: object) -> bytes:
        """A CRL of this CA listing the "revoked" certificate since an hour ago."""
        kwargs.setdefault(
            "revoked",
            [(self.revoked.certificate.serial_number, NOW - dt.timedelta(hours=1))],
        )
        return pki.make_crl(issuer=self.root, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def ca() -> Ca:
    root = pki.make_root(common_name="CA kiểm thử thu hồi", organization="Test")
    long_ago = NOW - 30 * DAY
    return Ca(
        root=root,
        good=pki.make_signing_certificate(issuer=root, not_before=long_ago),
        revoked=pki.make_signing_certificate(issuer=root, not_before=long_ago),
    )


@pytest.fixture
def trusted(ca: Ca) -> None:
    trusted_certificate_upsert(
        actor=None, pem=pki.certificate_pem(ca.root.certificate).decode()
    )


def only(pdf: bytes) -> dict:
    result = pdf_verify(pdf_bytes=pdf).as_dict()
    [signature] = result["signatures"]
    return {"verdict": result["verdict"], **signature}


def test_good_certificate_with_a_crl_that_does_not_list_it(ca, trusted) -> None:
    revocation_list_import(actor=None, data=ca.crl())

    result = only(ca.sign(ca.good))

    assert result["verdict"] == "valid"
    assert result["revocation"] == "good"
    assert result["revocation_detail"] == RevocationNote.GOOD
    assert result["reason"] == Reason.OK


def test_revoked_certificate_makes_the_verdict_invalid(ca, trusted) -> None:
    revocation_list_import(actor=None, data=ca.crl())

    result = only(ca.sign(ca.revoked))

    assert result["verdict"] == "invalid"
    assert result["revocation"] == "revoked"
    assert result["reason"] == Reason.REVOKED
    assert result["trusted"] is False
    assert "thu hồi từ" in result["revocation_detail"]


def test_without_a_crl_the_verdict_is_unchanged_and_says_not_checked(
    ca, trusted
) -> None:
    result = only(ca.sign(ca.revoked))  # revoked, but nobody told us

    assert result["verdict"] == "valid"
    assert result["revocation"] == "not_checked"
    assert result["revocation_detail"] == RevocationNote.NO_DATA


def test_untrusted_chain_stays_untrusted_with_revocation_not_checked(ca) -> None:
    revocation_list_import(actor=None, data=ca.crl())

    result = only(ca.sign(ca.good))  # the root is not in the trust store

    assert result["verdict"] == "untrusted"
    assert result["revocation"] == "not_checked"
    assert result["revocation_detail"] == RevocationNote.CHAIN_FAILED


def test_revocation_after_signing_leaves_the_signature_valid(
    ca, trusted, frozen_signing_clock
) -> None:
    frozen_signing_clock(NOW - 2 * DAY)
    signed = ca.sign(ca.revoked)
    # Listed since yesterday; it signed the day before.
    revocation_list_import(
        actor=None,
        data=ca.crl(revoked=[(ca.revoked.certificate.serial_number, NOW - DAY)]),
    )

    result = only(signed)

    assert result["verdict"] == "valid"
    assert result["revocation"] == "good"


def test_a_crl_past_its_next_update_is_not_used(ca, trusted) -> None:
    revocation_list_import(
        actor=None,
        data=ca.crl(this_update=NOW - 20 * DAY, next_update=NOW - 10 * DAY),
    )

    result = only(ca.sign(ca.revoked))

    assert result["verdict"] == "valid"
    assert result["revocation"] == "not_checked"
    assert result["revocation_detail"] == RevocationNote.UNUSABLE


def test_verify_pdf_json_carries_the_revocation_key(ca, trusted, tmp_path) -> None:
    revocation_list_import(actor=None, data=ca.crl())
    path = tmp_path / "thu-hoi.pdf"
    path.write_bytes(ca.sign(ca.revoked))
    out = StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(path), "--json", stdout=out, stderr=StringIO())

    assert exit_info.value.code == 1
    result = json.loads(out.getvalue())
    assert result["verdict"] == "invalid"
    assert result["signatures"][0]["revocation"] == "revoked"


# --- fetching -------------------------------------------------------------------


class CrlServer:
    """A loopback HTTP server publishing one CRL; counts the requests it gets."""

    def __init__(self, crl: bytes) -> None:
        served = self
        self.crl = crl

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(served.crl)))
                self.end_headers()
                self.wfile.write(served.crl)

            def log_message(self, *args: object) -> None:
                pass

        self.requests = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/ca.crl"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def crl_server(ca: Ca) -> Iterator[CrlServer]:
    server = CrlServer(ca.crl())
    yield server
    server.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener.getsockname()[1]
    listener.close()


def issued_with_crl_url(ca: Ca, url: str) -> pki.KeyPair:
    return pki.make_signing_certificate(
        issuer=ca.root, not_before=NOW - 30 * DAY, crl_url=url
    )


def test_crl_is_fetched_then_served_from_the_cache(ca, trusted, crl_server) -> None:
    signed = ca.sign(issued_with_crl_url(ca, crl_server.url))

    first = only(signed)
    crl_server.stop()  # the network goes away: the cached CRL still answers
    second = only(signed)

    assert crl_server.requests == 1
    assert first["revocation"] == second["revocation"] == "good"
    assert first["verdict"] == second["verdict"] == "valid"
    assert not RevocationList.objects.exists()  # fetched data is cache, not import


def test_fetched_crl_that_lists_the_certificate_gives_invalid(
    ca, trusted, crl_server
) -> None:
    keypair = issued_with_crl_url(ca, crl_server.url)
    crl_server.crl = ca.crl(revoked=[(keypair.certificate.serial_number, NOW - DAY)])

    result = only(ca.sign(keypair))

    assert crl_server.requests == 1
    assert result["verdict"] == "invalid"
    assert result["revocation"] == "revoked"


def test_a_silent_network_fails_fast_and_the_verdict_says_so(
    ca, trusted, silent_port, settings
) -> None:
    settings.REVOCATION_FETCH_TIMEOUT = 0.5
    url = f"http://127.0.0.1:{silent_port}/ca.crl"
    signed = ca.sign(issued_with_crl_url(ca, url))

    started = time.monotonic()
    result = only(signed)
    elapsed = time.monotonic() - started

    assert elapsed < 5
    assert result["verdict"] == "valid"
    assert result["revocation"] == "not_checked"
    assert result["revocation_detail"] == RevocationNote.FETCH_FAILED.format(urls=url)

    # Not tried again at once: the second check does not wait for the network.
    started = time.monotonic()
    again = only(signed)
    assert time.monotonic() - started < 0.5
    assert again["revocation_detail"] == result["revocation_detail"]


def test_an_unreachable_host_fails_fast(ca, trusted, settings) -> None:
    # Nothing listens on port 9 of the loopback: refused at once.
    signed = ca.sign(issued_with_crl_url(ca, "http://127.0.0.1:9/ca.crl"))

    started = time.monotonic()
    result = only(signed)

    assert time.monotonic() - started < 5
    assert result["verdict"] == "valid"
    assert result["revocation"] == "not_checked"
    assert "không tải được" in result["revocation_detail"]


def test_fetching_can_be_switched_off(ca, trusted, crl_server, settings) -> None:
    settings.REVOCATION_FETCH = False

    result = only(ca.sign(issued_with_crl_url(ca, crl_server.url)))

    assert crl_server.requests == 0
    assert result["revocation"] == "not_checked"
    assert result["revocation_detail"] == RevocationNote.NO_DATA


def test_an_imported_current_crl_spares_the_network(ca, trusted, crl_server) -> None:
    revocation_list_import(actor=None, data=ca.crl())

    result = only(ca.sign(issued_with_crl_url(ca, crl_server.url)))

    assert crl_server.requests == 0
    assert result["revocation"] == "good"


# --- import ---------------------------------------------------------------------


def import_crl(*paths: Path) -> tuple[int, dict]:
    out = StringIO()
    try:
        call_command(
            "import_crl", *map(str, paths), "--json", stdout=out, stderr=StringIO()
        )
        code = 0
    except SystemExit as exc:
        code = int(exc.code)
    return code, json.loads(out.getvalue())


def test_import_crl_command_adds_replaces_and_keeps(ca, trusted, tmp_path) -> None:
    first, newer = tmp_path / "ca-1.crl", tmp_path / "ca-2.pem"
    first.write_bytes(ca.crl(this_update=NOW - 2 * DAY, number=1))
    der = ca.crl(number=2)
    newer.write_bytes(
        x509.load_der_x509_crl(der).public_bytes(serialization.Encoding.PEM)
    )

    assert import_crl(first)[1]["imported"][0]["outcome"] == "created"
    code, result = import_crl(newer)
    assert code == 0
    [row] = result["imported"]
    assert row["outcome"] == "updated"
    assert row["issuer"].endswith("CN=CA kiểm thử thu hồi")
    assert row["revoked_count"] == 1
    assert import_crl(newer)[1]["imported"][0]["outcome"] == "unchanged"

    stored = RevocationList.objects.get()
    assert stored.number == "2"
    assert bytes(stored.der) == der
    actions = AuditLogEntry.objects.filter(object_type="signatures.RevocationList")
    assert set(actions.values_list("action", flat=True)) == {
        "revocationlist.created",
        "revocationlist.updated",
    }


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"xin chao, khong phai CRL", "Không đọc được tệp"),
        (b"", "Không đọc được tệp"),
    ],
)
def test_import_crl_refuses_garbage(tmp_path, content, reason) -> None:
    path = tmp_path / "rac.crl"
    path.write_bytes(content)

    code, result = import_crl(path)

    assert code == 1
    assert result["imported"] == []
    assert reason in result["rejected"][0]["reason"]
    assert not RevocationList.objects.exists()


def test_import_crl_refuses_a_missing_file(tmp_path) -> None:
    code, result = import_crl(tmp_path / "khong-co.crl")

    assert code == 1
    assert "Không tìm thấy tệp" in result["rejected"][0]["reason"]


def test_an_older_crl_does_not_replace_a_newer_one(ca) -> None:
    revocation_list_import(actor=None, data=ca.crl(number=5))
    stored = RevocationList.objects.get()

    with pytest.raises(ValidationError, match="cũ hơn CRL đang lưu"):
        revocation_list_import(
            actor=None, data=ca.crl(this_update=NOW - 3 * DAY, number=4)
        )

    assert RevocationList.objects.get().sha256 == stored.sha256


def test_a_crl_not_signed_by_the_trusted_ca_is_refused(ca, trusted) -> None:
    impostor = pki.make_root(common_name="CA kiểm thử thu hồi", organization="Test")

    with pytest.raises(ValidationError, match="Chữ ký của CRL không khớp"):
        revocation_list_import(actor=None, data=pki.make_crl(issuer=impostor))

    assert not RevocationList.objects.exists()


def test_a_delta_crl_is_refused(ca) -> None:
    delta = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.root.certificate.subject)
        .last_update(NOW - DAY)
        .next_update(NOW + DAY)
        .add_extension(x509.CRLNumber(7), critical=False)
        .add_extension(x509.DeltaCRLIndicator(6), critical=True)
        .sign(ca.root.key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )

    with pytest.raises(ValidationError, match="delta CRL"):
        revocation_list_import(actor=None, data=delta)
    assert not RevocationList.objects.exists()
