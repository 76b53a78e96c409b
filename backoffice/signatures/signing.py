"""Sign PDFs with the agency certificate: PAdES baseline B, invisible.

No timestamp server is reachable from these machines, so by default the signing
time is the one the signer reports (the CMS `signingTime` attribute); pass a
pyHanko `TimeStamper` to embed an RFC 3161 signature timestamp (PAdES B-T).
"""

import functools
import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper

from .verification import UnreadablePdf

DEFAULT_REASON = "Xác thực văn bản điện tử của cơ quan"


class SignerUnavailable(ImproperlyConfigured):
    """The agency PKCS#12 file is missing, unreadable or its password is wrong."""


def load_signer(*, pkcs12_data: bytes, password: str = "") -> SimpleSigner:
    """A pyHanko signer from PKCS#12 bytes; SignerUnavailable if it will not open."""
    try:
        return SimpleSigner.load_pkcs12_data(
            pkcs12_data, other_certs=[], passphrase=password.encode() or None
        )
    except ValueError as exc:
        raise SignerUnavailable(
            "Không mở được tệp PKCS#12 của cơ quan (sai mật khẩu hoặc tệp hỏng)."
        ) from exc


@functools.lru_cache(maxsize=4)
def _cached_signer(path: str, mtime_ns: int, password: str) -> SimpleSigner:
    # mtime_ns is part of the key so a replaced certificate is picked up at once.
    return load_signer(pkcs12_data=Path(path).read_bytes(), password=password)


def agency_signer() -> SimpleSigner:
    """The signer configured by SIGNING_PKCS12_PATH/_PASSWORD (cached per file
    version); raises SignerUnavailable when the file is not there."""
    path = Path(settings.SIGNING_PKCS12_PATH)
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError as exc:
        raise SignerUnavailable(
            f"Chưa có chứng thư số của cơ quan tại {path}: "
            "chạy `manage.py make_demo_pki` hoặc đặt SIGNING_PKCS12_PATH."
        ) from exc
    return _cached_signer(str(path), mtime_ns, settings.SIGNING_PKCS12_PASSWORD)


def pdf_sign(
    *,
    pdf_bytes: bytes,
    field_name: str = "Signature1",
    reason: str = DEFAULT_REASON,
    location: str = "",
    signer: SimpleSigner | None = None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Return `pdf_bytes` with one more (invisible) signature in `field_name`,
    appended as an incremental update; the input bytes are left as they are."""
    signer = signer or agency_signer()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise UnreadablePdf("Tệp không phải PDF hợp lệ, không ký được.") from exc
    if writer.prev.encrypted:
        raise UnreadablePdf("Tệp PDF được mã hóa, không ký được.")
    metadata = PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
    )
    output = PdfSigner(metadata, signer=signer, timestamper=timestamper).sign_pdf(
        writer
    )
    return output.getvalue()
