"""Sign PDFs with the agency certificate: PAdES baseline B, invisible.

Each agency may hold its own certificate (AgencySigningCertificate); an agency
without one signs with its nearest ancestor's, and the installation certificate
(SIGNING_PKCS12_PATH) is the last resort.

No timestamp server is reachable from these machines, so by default the signing
time is the one the signer reports (the CMS `signingTime` attribute); pass a
pyHanko `TimeStamper` to embed an RFC 3161 signature timestamp (PAdES B-T).
"""

import functools
import io
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.timestamps import TimeStamper

from .constants import SigningKeyKind
from .models import AgencySigningCertificate
from .storage import SigningKeyStorage
from .verification import UnreadablePdf

if TYPE_CHECKING:
    from backoffice.core.models import Agency

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


def installation_signer() -> SimpleSigner:
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


@functools.lru_cache(maxsize=32)
def _cached_agency_signer(name: str, version: str, password: str) -> SimpleSigner:
    # `version` (updated_at) is part of the key so a replaced file is picked up.
    with SigningKeyStorage().open(name, "rb") as handle:
        return load_signer(pkcs12_data=handle.read(), password=password)


def certificate_signer(record: AgencySigningCertificate) -> SimpleSigner:
    """The signer of one agency certificate record; SignerUnavailable when its kind
    is not implemented, its password variable is missing or the file is unusable."""
    agency_name = record.agency.name
    if record.kind != SigningKeyKind.PKCS12:
        raise SignerUnavailable(
            _(
                "Chứng thư ký số của %(agency)s dùng thiết bị PKCS#11, loại khóa chưa "
                "được hỗ trợ; hãy tải lên tệp PKCS#12."
            )
            % {"agency": agency_name}
        )
    try:
        password = record.pkcs12_password()
    except KeyError:
        raise SignerUnavailable(
            _(
                "Máy chủ chưa có biến môi trường %(name)s chứa mật khẩu chứng thư ký "
                "số của %(agency)s."
            )
            % {"name": record.password_env, "agency": agency_name}
        ) from None
    try:
        return _cached_agency_signer(
            record.pkcs12_file.name,
            record.updated_at.isoformat(),
            password,
        )
    except (OSError, ValueError, SignerUnavailable) as exc:
        raise SignerUnavailable(
            _(
                "Không mở được tệp chứng thư ký số của %(agency)s (tệp bị thiếu, "
                "hỏng hoặc sai mật khẩu)."
            )
            % {"agency": agency_name}
        ) from exc


def agency_signer(*, agency: "Agency | None" = None) -> SimpleSigner:
    """The signer for `agency`: its own active certificate, else the nearest
    ancestor's (walking `Agency.parent`), else the installation certificate.

    Reads the database: callers that sign from inside an event loop (see
    event_loop.py) resolve the signer first and pass it to `pdf_sign`.
    Raises SignerUnavailable when the certificate found cannot be used: it never
    falls back past a certificate that is configured but broken.
    """
    if agency is not None:
        record = AgencySigningCertificate.objects.for_agency(agency)
        if record is not None:
            return certificate_signer(record)
    return installation_signer()


def pdf_sign(
    *,
    pdf_bytes: bytes,
    field_name: str = "Signature1",
    reason: str = DEFAULT_REASON,
    location: str = "",
    signer: SimpleSigner | None = None,
    agency: "Agency | None" = None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Return `pdf_bytes` with one more (invisible) signature in `field_name`,
    appended as an incremental update; the input bytes are left as they are.

    Without `signer`, signs with `agency`'s certificate (see `agency_signer`); the
    location defaults to the agency's name.
    """
    signer = signer or agency_signer(agency=agency)
    if not location and agency is not None:
        location = agency.name
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
