"""XML-DSig for edXML packets (enveloped, RSA/ECDSA with SHA-256) with signxml.

The signature covers the whole document (Reference URI=""), attachments included,
and sits in `edXMLHeader/DigitalSignature`; its KeyInfo carries the signing
certificate. A receiver trusts a packet when the signature verifies with the
certificate registered for that peer.
"""

import base64

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from lxml import etree
from signxml import DigestAlgorithm, SignatureMethod, XMLSigner, XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature

from .build import packet_bytes

C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


def packet_sign(
    root: etree._Element, *, key: PrivateKeyTypes, certificate: x509.Certificate
) -> bytes:
    """The packet with its enveloped signature, as bytes."""
    signer = XMLSigner(
        signature_algorithm=_method(key),
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=C14N,
    )
    signed = signer.sign(
        root,
        key=key,
        cert=[certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")],
    )
    return packet_bytes(signed)


def _method(key: PrivateKeyTypes) -> SignatureMethod:
    if isinstance(key, rsa.RSAPrivateKey):
        return SignatureMethod.RSA_SHA256
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return SignatureMethod.ECDSA_SHA256
    raise ValueError(f"unsupported key type for XML signatures: {type(key).__name__}")


def signature_certificate(root: etree._Element) -> x509.Certificate | None:
    """The certificate the signature's KeyInfo carries, if any."""
    found = root.find(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
    if found is None or not (found.text or "").strip():
        return None
    try:
        return x509.load_der_x509_certificate(base64.b64decode(found.text))
    except ValueError:
        return None


def signature_verifies(data: bytes, certificate: x509.Certificate) -> bool:
    """Whether the packet's signature is intact and made with `certificate`'s key."""
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    try:
        XMLVerifier().verify(data, x509_cert=pem, expect_references=1)
    except (InvalidSignature, InvalidInput, ValueError, etree.LxmlError):
        return False
    return True
