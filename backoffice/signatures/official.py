"""Signing an issued document as Decree 30/2020 Appendix I asks (DOMAIN.md).

The main file gets two visible PAdES signatures: first the leader's (signature
image), then the agency's (seal image overlapping the left third of the
leader's). Each attachment in a separate file gets the agency's signature
without an image, showing the number-symbol and the signing time (ISO 8601,
Vietnam time) at the top right of page 1.

All or nothing: any failure (wrong PIN, missing key label, removed token, a PDF
that is not one or is encrypted) raises before anything is returned, so callers
keep no half-signed file. The keys are resolved from the database first; the
pyHanko work runs outside a suspended event loop (event_loop.py).
"""

import datetime as dt
import io
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from backoffice.core.models import Agency

from .appearance import (
    Appearance,
    Placement,
    drawn_seal_png,
    drawn_signature_png,
    image_style,
    leader_box,
    seal_box,
    stamp_box,
    text_pdf,
    text_style,
)
from .event_loop import outside_event_loop
from .models import AgencySigningCertificate, StaffSigningKey
from .signing import (
    SignerUnavailable,
    agency_signing,
    key_signing,
    pdf_sign,
    pdf_writer,
)
from .verification import UnreadablePdf

logger = logging.getLogger(__name__)
LEADER_FIELD = "ChuKyLanhDao"
AGENCY_FIELD = "ChuKyCoQuan"
ATTACHMENT_FIELD = "ChuKyCoQuanPhuLuc"


@dataclass(frozen=True)
class SignedFiles:
    """The signed main file and attachments, in the order given."""

    main: bytes
    attachments: list[bytes]
    signed_at: dt.datetime


def _read_png(field_file: object) -> bytes | None:
    if not field_file:
        return None
    try:
        with field_file.open("rb") as handle:  # type: ignore[attr-defined]
            return handle.read()
    except OSError:
        return None


def _page_size(pdf_bytes: bytes, page: int) -> tuple[float, float]:
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
        box = reader.pages[page].mediabox
    except (PdfReadError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise UnreadablePdf(_("Tệp không phải PDF hợp lệ, không ký được.")) from exc
    return float(box.width), float(box.height)


def pdf_check_signable(pdf_bytes: bytes) -> int:
    """The page count of a PDF that can be signed; UnreadablePdf (Vietnamese)
    for a file that is not a PDF, is damaged or is encrypted."""
    pdf_writer(pdf_bytes)
    try:
        return len(PdfReader(io.BytesIO(pdf_bytes), strict=False).pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadablePdf(_("Tệp không phải PDF hợp lệ, không ký được.")) from exc


def local_iso(moment: dt.datetime) -> str:
    """ISO 8601 in Vietnam time, to the second: 2026-11-30T15:04:05+07:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _agency_record(agency: Agency) -> AgencySigningCertificate | None:
    return AgencySigningCertificate.objects.for_agency(agency)


def document_sign(
    *,
    main: bytes,
    attachments: list[bytes],
    leader_key: StaffSigningKey,
    agency: Agency,
    number_symbol: str,
    placement: Placement | None = None,
) -> SignedFiles:
    """Sign an outgoing document's files (leader + agency on the main file, the
    imageless agency signature on each attachment); see the module docstring.

    Raises SignerUnavailable or UnreadablePdf (Vietnamese messages).
    """
    for content in (main, *attachments):
        pdf_check_signable(content)
    record = _agency_record(agency)
    leader_png = _read_png(leader_key.signature_image) or drawn_signature_png(
        leader_key.owner_name()
    )
    seal_png = _read_png(record.seal_image if record else None) or drawn_seal_png(
        agency.name
    )
    page = placement.page if placement else -1
    width, _height = _page_size(main, page)
    leader = leader_box(width, placement)
    leader_reason = _("Lãnh đạo ký ban hành văn bản %(number)s") % {
        "number": number_symbol
    }
    agency_reason = _("%(agency)s xác thực văn bản %(number)s") % {
        "agency": agency.name,
        "number": number_symbol,
    }
    signed_at = timezone.now()
    stamp = f"{number_symbol}\n{local_iso(signed_at)}"
    attachment_reason = _("%(agency)s ký phụ lục kèm văn bản %(number)s") % {
        "agency": agency.name,
        "number": number_symbol,
    }
    with (
        key_signing(leader_key) as leader_signer,
        agency_signing(agency=agency) as agency_signer,
        tempfile.TemporaryDirectory(prefix="motcua-stamp-") as scratch,
    ):

        def run() -> SignedFiles:
            once = pdf_sign(
                pdf_bytes=main,
                field_name=LEADER_FIELD,
                reason=leader_reason,
                location=agency.name,
                signer=leader_signer,
                appearance=Appearance(
                    page=page, box=leader, style=image_style(leader_png)
                ),
            )
            twice = pdf_sign(
                pdf_bytes=once,
                field_name=AGENCY_FIELD,
                reason=agency_reason,
                location=agency.name,
                signer=agency_signer,
                appearance=Appearance(
                    page=page, box=seal_box(leader), style=image_style(seal_png)
                ),
            )
            signed_attachments = []
            for content in attachments:
                box = stamp_box(*_page_size(content, 0))
                text_file = Path(scratch) / "stamp.pdf"
                text_file.write_bytes(text_pdf(stamp, box[2] - box[0], box[3] - box[1]))
                signed_attachments.append(
                    pdf_sign(
                        pdf_bytes=content,
                        field_name=ATTACHMENT_FIELD,
                        reason=attachment_reason,
                        location=agency.name,
                        signer=agency_signer,
                        appearance=Appearance(
                            page=0, box=box, style=text_style(str(text_file))
                        ),
                    )
                )
            return SignedFiles(
                main=twice, attachments=signed_attachments, signed_at=signed_at
            )

        return outside_event_loop(run)


def agency_form_sign(*, pdf_bytes: bytes, agency: Agency, reason: str) -> bytes:
    """An agency's (invisible) signature on a form it issues (one-stop forms 02
    and 03, result files); like form 01. SignerUnavailable / UnreadablePdf."""
    with agency_signing(agency=agency) as signer:
        return outside_event_loop(
            lambda: pdf_sign(
                pdf_bytes=pdf_bytes,
                reason=reason,
                location=agency.name,
                signer=signer,
            )
        )


def issued_pdf_sign(*, pdf_bytes: bytes, agency: Agency, reason: str) -> bytes:
    """`agency_form_sign`, for forms and results issued at the desk: when the
    agency has no usable key (none configured, a token away) the PDF is issued
    unsigned — the desk's decision must not wait on the PKI — and the problem is
    logged as an error for the administrator; its verdict then shows "unsigned"."""
    try:
        return agency_form_sign(pdf_bytes=pdf_bytes, agency=agency, reason=reason)
    except (SignerUnavailable, UnreadablePdf) as exc:
        logger.error("Issued unsigned for %s (%s): %s", agency.code, reason, exc)
        return pdf_bytes


__all__ = [
    "AGENCY_FIELD",
    "ATTACHMENT_FIELD",
    "LEADER_FIELD",
    "SignedFiles",
    "SignerUnavailable",
    "agency_form_sign",
    "document_sign",
    "issued_pdf_sign",
    "local_iso",
    "pdf_check_signable",
]
