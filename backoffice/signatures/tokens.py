"""Signing with a key on a PKCS#11 device (USB token or HSM) through pyHanko.

A device is named by the path of its PKCS#11 module (the vendor's .so, e.g.
SoftHSM2's /usr/lib/softhsm/libsofthsm2.so), the token label and the label of the
key (and of its certificate, the same label by default). The PIN never sits in
the database: it comes from the SIGNING_PASSWORD_* environment variable the key
record names.

A token allows one login per process, so a session is opened per signing run,
serialised by a lock per (module, token), shared by the keys of that token used
together in the run (the leader's and the agency's key may sit on one HSM), and
always closed again.
"""

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from asn1crypto import x509 as asn1_x509
from cryptography import x509

from .pki import CertificateFacts, certificate_facts, certificate_pem

_LOCKS: dict[tuple[str, str], threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()
# Sessions open in this process: (module, token) -> [session, users].
_OPEN: dict[tuple[str, str], list] = {}


class TokenProblem(Exception):
    """A PKCS#11 device cannot sign; the message (Vietnamese) says why."""


@dataclass(frozen=True)
class TokenKey:
    """Where a key lives on a PKCS#11 device, and the PIN that opens it."""

    module: str
    token_label: str
    key_label: str
    pin: str
    cert_label: str = ""

    @property
    def certificate_label(self) -> str:
        return self.cert_label or self.key_label


def _lock(key: TokenKey) -> threading.RLock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault((key.module, key.token_label), threading.RLock())


@contextlib.contextmanager
def _session(key: TokenKey) -> Iterator[object]:
    """The token's session: opened (and logged in) by the outermost user in this
    thread, reused by nested ones, closed when the outermost leaves."""
    slot = (key.module, key.token_label)
    with _lock(key):
        entry = _OPEN.get(slot)
        if entry is None:
            entry = _OPEN[slot] = [_open_session(key), 0]
        entry[1] += 1
        try:
            yield entry[0]
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del _OPEN[slot]
                with contextlib.suppress(Exception):
                    entry[0].close()


def _open_session(key: TokenKey):  # type: ignore[no-untyped-def]
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    if not Path(key.module).is_file():
        raise TokenProblem(
            _("Không tìm thấy thư viện PKCS#11 “%(path)s” trên máy chủ.")
            % {"path": key.module}
        )
    try:
        return open_pkcs11_session(
            key.module,
            token_criteria=TokenCriteria(label=key.token_label),
            user_pin=key.pin,
        )
    except (pkcs11.PinIncorrect, pkcs11.PinLenRange, pkcs11.PinInvalid) as exc:
        raise TokenProblem(
            _("Sai mã PIN của thiết bị ký số “%(token)s”.") % {"token": key.token_label}
        ) from exc
    except pkcs11.PinLocked as exc:
        raise TokenProblem(
            _("Thiết bị ký số “%(token)s” đã bị khóa PIN.") % {"token": key.token_label}
        ) from exc
    except (pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
        raise TokenProblem(
            _(
                "Không kết nối được thiết bị ký số “%(token)s” (chưa cắm, đã rút "
                "ra hoặc sai tên nhãn)."
            )
            % {"token": key.token_label}
        ) from exc


@contextlib.contextmanager
def token_signer(key: TokenKey) -> Iterator[object]:
    """A pyHanko PKCS11Signer for `key`, its session open for the `with` block.

    Raises TokenProblem (Vietnamese) for a missing module, a token that is not
    there, a wrong PIN, or a key/certificate label not on the token.
    """
    import pkcs11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    with _session(key) as session:
        signer = PKCS11Signer(
            session,
            key_label=key.key_label,
            cert_label=key.certificate_label,
            other_certs_to_pull=None,
        )
        try:
            # pyHanko finds the objects lazily: look now, to fail clearly.
            signer.signing_cert  # noqa: B018
            session.get_key(
                object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=key.key_label
            )
        except (pkcs11.PKCS11Error, AttributeError) as exc:
            raise TokenProblem(
                _(
                    "Không tìm thấy khóa hoặc chứng thư có nhãn “%(label)s” "
                    "trên thiết bị ký số “%(token)s”."
                )
                % {"label": key.key_label, "token": key.token_label}
            ) from exc
        yield signer


def token_certificate_facts(key: TokenKey) -> CertificateFacts:
    """Facts of the certificate stored with the key (TokenProblem if none)."""
    with token_signer(key) as signer:
        certificate: asn1_x509.Certificate = signer.signing_cert  # type: ignore[attr-defined]
    parsed = x509.load_der_x509_certificate(certificate.dump())
    return certificate_facts(certificate_pem(parsed))


def certificate_can_sign(facts: CertificateFacts, at: dt.datetime) -> str | None:
    """None when the certificate is valid at `at`, else "expired"/"not_yet_valid"."""
    if facts.not_before > at:
        return "not_yet_valid"
    if facts.not_after < at:
        return "expired"
    return None
