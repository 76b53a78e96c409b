"""Sign PDFs with the agency certificate: PAdES baseline B, invisible unless an
`Appearance` (appearance.py) places it on a page.

Each agency may hold its own certificate (AgencySigningCertificate); an agency
without one signs with its nearest ancestor's, and the installation certificate
(SIGNING_PKCS12_PATH) is the last resort. A key is a PKCS#12 file or a key on a
PKCS#11 device (tokens.py); `key_signing` opens either for a `with` block.

No timestamp server is reachable from these machines, so by default the signing
time is the one the signer reports (the CMS `signingTime` attribute); pass a
pyHanko `TimeStamper` to embed an RFC 3161 signature timestamp (PAdES B-T).
"""

import contextlib
import functools
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from pkcs11 import PKCS11Error
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps import TimeStamper

from .appearance import Appearance
from .constants import SigningKeyKind
from .models import AgencySigningCertificate, SigningKeySource
from .storage import SigningKeyStorage
from .tokens import TokenProblem, token_signer
from .verification import UnreadablePdf

if TYPE_CHECKING:
    from backoffice.core.models import Agency

DEFAULT_REASON = "Xác thực văn bản điện tử của cơ quan"


class SignerUnavailable(ImproperlyConfigured):
    """The signing key cannot be used: a PKCS#12 file missing, unreadable or with a
    wrong password; a PKCS#11 token absent, a wrong PIN or a missing key label."""


def load_signer(*, pkcs12_data: bytes, password: str = "") -> SimpleSigner:
    """A pyHanko signer from PKCS#12 bytes; SignerUnavailable if it will not open."""
    try:
        return SimpleSigner.load_pkcs12_data(
            pkcs12_data, other_certs=[], passphrase=password.encode() or None
        )
    except ValueError as exc:
        raise SignerUnavailable(
            _("Không mở được tệp PKCS#12 của cơ quan (sai mật khẩu hoặc tệp hỏng).")
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
            _(
                "Chưa có chứng thư số của cơ quan tại %(path)s: "
                "chạy `manage.py make_demo_pki` hoặc đặt SIGNING_PKCS12_PATH."
            )
            % {"path": path}
        ) from exc
    return _cached_signer(str(path), mtime_ns, settings.SIGNING_PKCS12_PASSWORD)


@functools.lru_cache(maxsize=32)
def _cached_agency_signer(name: str, version: str, password: str) -> SimpleSigner:
    # `version` (updated_at) is part of the key so a replaced file is picked up.
    with SigningKeyStorage().open(name, "rb") as handle:
        return load_signer(pkcs12_data=handle.read(), password=password)


def certificate_signer(record: SigningKeySource) -> SimpleSigner:
    """The signer of one PKCS#12 key record; SignerUnavailable when the key is on
    a PKCS#11 device (open it with `key_signing`), its password variable is
    missing or the file is unusable."""
    agency_name = record.owner_name()
    if record.kind != SigningKeyKind.PKCS12:
        raise SignerUnavailable(
            _(
                "Khóa ký số của %(agency)s nằm trên thiết bị PKCS#11; phải mở "
                "phiên làm việc với thiết bị để ký."
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


@contextlib.contextmanager
def key_signing(record: SigningKeySource) -> Iterator[Signer]:
    """A pyHanko signer for a key record of either kind, usable in the block.

    PKCS#11: the token session is open for the block and closed after. Raises
    SignerUnavailable (Vietnamese) when the key cannot be used.
    """
    if record.kind != SigningKeyKind.PKCS11:
        yield certificate_signer(record)
        return
    try:
        key = record.token_key()
    except KeyError:
        raise SignerUnavailable(
            _(
                "Máy chủ chưa có biến môi trường %(name)s chứa mã PIN thiết bị ký "
                "số của %(agency)s."
            )
            % {"name": record.password_env, "agency": record.owner_name()}
        ) from None
    try:
        with token_signer(key) as signer:
            yield signer  # type: ignore[misc]
    except TokenProblem as problem:
        raise SignerUnavailable(str(problem)) from problem


@contextlib.contextmanager
def agency_signing(*, agency: "Agency | None" = None) -> Iterator[Signer]:
    """`key_signing` of the agency's key (or the nearest ancestor's), else the
    installation certificate; see `agency_signer`."""
    if agency is not None:
        record = AgencySigningCertificate.objects.for_agency(agency)
        if record is not None:
            with key_signing(record) as signer:
                yield signer
            return
    yield installation_signer()


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


def pdf_writer(pdf_bytes: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer over `pdf_bytes`; UnreadablePdf for anything that is
    not a readable, unencrypted PDF."""
    if not pdf_bytes.startswith(b"%PDF-"):
        raise UnreadablePdf(_("Tệp không phải PDF hợp lệ, không ký được."))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise UnreadablePdf(_("Tệp không phải PDF hợp lệ, không ký được.")) from exc
    if writer.prev.encrypted:
        raise UnreadablePdf(_("Tệp PDF được mã hóa, không ký được."))
    return writer


def pdf_sign(
    *,
    pdf_bytes: bytes,
    field_name: str = "Signature1",
    reason: str = DEFAULT_REASON,
    location: str = "",
    signer: Signer | None = None,
    agency: "Agency | None" = None,
    timestamper: TimeStamper | None = None,
    appearance: Appearance | None = None,
) -> bytes:
    """Return `pdf_bytes` with one more signature in `field_name`, appended as an
    incremental update; the input bytes are left as they are. Invisible unless
    `appearance` places it.

    Without `signer`, signs with `agency`'s key (see `agency_signing`); the
    location defaults to the agency's name.
    """
    if signer is None:
        with agency_signing(agency=agency) as opened:
            return pdf_sign(
                pdf_bytes=pdf_bytes,
                field_name=field_name,
                reason=reason,
                location=location or (agency.name if agency is not None else ""),
                signer=opened,
                timestamper=timestamper,
                appearance=appearance,
            )
    if not location and agency is not None:
        location = agency.name
    writer = pdf_writer(pdf_bytes)
    metadata = PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
    )
    field_spec = None
    if appearance is not None:
        page = appearance.page
        if page < 0:
            page += int(writer.root["/Pages"]["/Count"])
        field_spec = SigFieldSpec(
            sig_field_name=field_name, on_page=page, box=appearance.box
        )
    try:
        output = PdfSigner(
            metadata,
            signer=signer,
            timestamper=timestamper,
            stamp_style=appearance.style if appearance else None,
            new_field_spec=field_spec,
        ).sign_pdf(writer)
    except TokenProblem as problem:
        raise SignerUnavailable(str(problem)) from problem
    except (PKCS11Error, SigningError) as exc:
        # A token that goes away mid-signature surfaces as a PKCS#11 error (or
        # pyHanko's SigningError around one); other SigningErrors are the caller's.
        if isinstance(exc, SigningError) and not isinstance(signer, PKCS11Signer):
            raise
        raise SignerUnavailable(
            _("Thiết bị ký số bị ngắt hoặc từ chối ký: %(error)s") % {"error": exc}
        ) from exc
    return output.getvalue()
