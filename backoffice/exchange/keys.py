"""The key and certificate a packet of this installation is signed with: the
sending agency's signing certificate (PKCS#12), else its nearest ancestor's, else
the installation's (signatures.signing.agency_signer)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from backoffice.core.models import Agency
from backoffice.signatures.signing import SignerUnavailable, agency_signer


class KeyUnavailable(Exception):
    """No key to sign packets with (message in Vietnamese)."""


@dataclass(frozen=True)
class PacketKey:
    key: PrivateKeyTypes
    certificate: x509.Certificate


def packet_key(*, agency: Agency | None) -> PacketKey:
    """The private key and certificate `agency` signs packets with.

    A key kept on a PKCS#11 token has no exportable private key: XML signatures
    with it need a token-backed key object (not available yet), so it is refused
    with a clear message."""
    try:
        signer = agency_signer(agency=agency)
    except SignerUnavailable as exc:
        raise KeyUnavailable(str(exc)) from exc
    signing_key = getattr(signer, "signing_key", None)
    signing_cert = getattr(signer, "signing_cert", None)
    if signing_key is None or signing_cert is None:
        raise KeyUnavailable(
            _(
                "Khóa ký của %(agency)s nằm trên thiết bị ký (PKCS#11): chưa ký được "
                "gói tin liên thông bằng thiết bị này."
            )
            % {"agency": agency.name if agency else "-"}
        )
    return PacketKey(
        key=serialization.load_der_private_key(signing_key.dump(), password=None),
        certificate=x509.load_der_x509_certificate(signing_cert.dump()),
    )
