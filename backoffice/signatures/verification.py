"""Check the signatures of a PDF and give the verdict of DESIGN.md §5 (`verify_pdf`).

Reads the trust store and the imported CRLs; writes no row (fetched revocation data
goes to Django's cache). A certificate's validity and revocation are judged at the
signing time, taken from a signature timestamp when there is one, else from the
time the signer reports: a certificate revoked after it signed still gave a valid
signature.

Kept as one module of about 500 lines on purpose: the verdict is one decision
(integrity, chain, time, revocation, coverage) whose steps share the pyHanko
validation context; split, each piece would need the whole context again.

Revocation (key "revocation" of each signature): pyHanko checks the signing
certificate against the CRLs and OCSP responses at hand (imported, cached, or
fetched now when the network allows — see revocation.py). "good" when that data
covers the certificate and does not list it, "revoked" when it lists it (the
verdict is then invalid), "not_checked" when there is no usable data: the verdict
is then what it would be without revocation checking.
"""

import contextlib
import datetime as dt
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from . import revocation
from .constants import (
    CertificateKind,
    Reason,
    RevocationNote,
    RevocationStatus,
    VerdictKind,
)
from .models import TrustedCertificate

logger = logging.getLogger(__name__)

# asn1crypto and pyHanko's reader parse lazily, so damaged bytes surface as any of
# these, at any point; each means "this part of the file cannot be read".
READ_ERRORS = (
    ValueError,  # includes pyHanko's SignatureValidationError and CMS errors
    TypeError,
    AttributeError,
    KeyError,
    IndexError,
    OverflowError,
    PdfError,
)
# Either usage is accepted on a signing certificate (pyHanko wants both by default).
KEY_USAGE = KeyUsageConstraints(
    key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False
)
# Later revisions that may follow a signature without counting as a modification.
HARMLESS_LEVELS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
# Revocation data may postdate the signature (a CRL imported or fetched today speaks
# for a signature made last month), hence retroactive; revocations after the
# signing time do not count (pyHanko's point-in-time rule).
_SOFT = RevocationCheckingRule.CHECK_IF_DECLARED_SOFT
# The signer's certificate must be covered by a CRL or an OCSP response: success
# under this policy is what "revocation": "good" means.
REQUIRE_FOR_SIGNER = CertRevTrustPolicy(
    RevocationCheckingPolicy(RevocationCheckingRule.CRL_OR_OCSP_REQUIRED, _SOFT),
    retroactive_revinfo=True,
)
# Use what is there, never fail for want of data (pyHanko's "soft-fail").
USE_IF_PRESENT = CertRevTrustPolicy(
    RevocationCheckingPolicy(_SOFT, _SOFT), retroactive_revinfo=True
)
CRL_REASONS = {
    "unspecified": "không nêu",
    "key_compromise": "lộ khóa bí mật",
    "ca_compromise": "lộ khóa của tổ chức cấp",
    "affiliation_changed": "thay đổi đơn vị",
    "superseded": "đã được thay thế",
    "cessation_of_operation": "ngừng hoạt động",
    "certificate_hold": "tạm dừng",
    "privilege_withdrawn": "bị rút quyền",
}


class UnreadablePdf(Exception):
    """The input is not a PDF that can be read: garbage, encrypted or truncated."""


@dataclass(frozen=True)
class SignatureReport:
    """One signature of the file and what was found about it."""

    field: str
    signer: str
    signed_at: str | None
    intact: bool
    trusted: bool
    covers_whole_file: bool
    modified_after_signing: bool
    reason: str
    outcome: str  # VerdictKind of this signature alone; not part of the contract
    revocation: str = RevocationStatus.NOT_CHECKED.value
    revocation_detail: str = RevocationNote.NO_DATA

    def as_dict(self) -> dict[str, Any]:
        """The contract's keys, plus the revocation state and why."""
        return {
            "field": self.field,
            "signer": self.signer,
            "signed_at": self.signed_at,
            "intact": self.intact,
            "trusted": self.trusted,
            "covers_whole_file": self.covers_whole_file,
            "modified_after_signing": self.modified_after_signing,
            "reason": self.reason,
            "revocation": self.revocation,
            "revocation_detail": self.revocation_detail,
        }


@dataclass(frozen=True)
class Verdict:
    """The verdict on a whole file: valid, untrusted, invalid or unsigned."""

    verdict: str
    signatures: list[SignatureReport]

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of `verify_pdf --json`."""
        return {
            "verdict": self.verdict,
            "signatures": [signature.as_dict() for signature in self.signatures],
        }


@dataclass(frozen=True)
class TrustStore:
    """Trust anchors plus intermediates that only help build chains, and the
    CRLs administrators imported."""

    roots: list[asn1_x509.Certificate]
    intermediates: list[asn1_x509.Certificate]
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)


def _parse_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Certificates in PEM (one or more) or DER bytes; ValueError if none."""
    if b"-----BEGIN" in data:
        certificates = x509.load_pem_x509_certificates(data)
    else:
        certificates = [x509.load_der_x509_certificate(data)]
    return [
        asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
        for cert in certificates
    ]


def trust_store(*, extra_trust_roots: Iterable[bytes] = ()) -> TrustStore:
    """Active TrustedCertificate rows + TRUST_ROOT_FILES + `extra_trust_roots`,
    and the imported CRLs.

    Raises ValueError for unreadable `extra_trust_roots` (the caller passed them);
    an unreadable configured file is logged and skipped.
    """
    roots: list[asn1_x509.Certificate] = []
    intermediates: list[asn1_x509.Certificate] = []
    for kind, pem in TrustedCertificate.objects.active().values_list("kind", "pem"):
        target = roots if kind == CertificateKind.ROOT else intermediates
        target += _parse_certificates(pem.encode())
    for name in settings.TRUST_ROOT_FILES:
        try:
            roots += _parse_certificates(Path(name).read_bytes())
        except (OSError, ValueError):
            logger.warning("Trust root file %s is missing or unreadable", name)
    for data in extra_trust_roots:
        roots += _parse_certificates(data)
    return TrustStore(
        roots=roots, intermediates=intermediates, crls=revocation.imported_crls()
    )


def _open(pdf_bytes: bytes) -> PdfFileReader:
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    except READ_ERRORS as exc:
        raise UnreadablePdf(
            _("Không đọc được tệp PDF: %(error)s") % {"error": exc}
        ) from exc
    if reader.encrypted:
        raise UnreadablePdf(_("Tệp PDF được mã hóa, không kiểm tra được chữ ký."))
    return reader


def _iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in the site's time zone (+07:00); naive PDF dates are taken as UTC."""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return timezone.localtime(moment).isoformat()


def _common_name(certificate: asn1_x509.Certificate) -> str:
    name = certificate.subject.native.get("common_name")
    if isinstance(name, list):
        name = name[0]
    return str(name) if name else certificate.subject.human_friendly


def _timestamp_time(embedded: EmbeddedPdfSignature) -> dt.datetime | None:
    """Time of the signature timestamp token (RFC 3161), if the CMS carries one."""
    for signed_data in extract_tst_data_iter(embedded.signer_info, signed=False):
        tst_info = signed_data["encap_content_info"]["content"].parsed
        return tst_info["gen_time"].native
    return None


def _signing_time(embedded: EmbeddedPdfSignature) -> dt.datetime:
    """Timestamp token time, else the signer's own claim, else now; always aware."""
    moment = (
        _timestamp_time(embedded) or embedded.self_reported_timestamp or timezone.now()
    )
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


def _modified_after_signing(
    status: PdfSignatureStatus, signature_fields: set[str]
) -> bool:
    level = status.modification_level
    if level in HARMLESS_LEVELS:
        return False
    if level == ModificationLevel.FORM_FILLING and isinstance(
        status.diff_result, DiffResult
    ):
        # Signing another field is "form filling" too; that alone is not a change.
        return not status.diff_result.changed_form_fields <= signature_fields
    return True


def _judge(
    status: PdfSignatureStatus,
    *,
    signed_at: dt.datetime,
    modified: bool,
) -> tuple[str, str]:
    """(outcome, reason) of one validated signature; first failure wins."""
    cert = status.signing_cert
    problem = status.trust_problem_indic
    timestamp = status.timestamp_validity
    invalid = VerdictKind.INVALID.value
    if not status.intact:
        return invalid, Reason.CONTENT_CHANGED
    if not status.valid:
        return invalid, Reason.SIGNATURE_MISMATCH
    if (status.coverage or SignatureCoverageLevel.UNCLEAR) < (
        SignatureCoverageLevel.ENTIRE_REVISION
    ):
        return invalid, Reason.NOT_COVERED
    if modified:
        return invalid, Reason.MODIFIED_AFTER_SIGNING
    if status.docmdp_ok is False or not status.seed_value_ok:
        return invalid, Reason.POLICY_VIOLATED
    if signed_at < cert.not_valid_before:
        return invalid, Reason.NOT_YET_VALID
    if signed_at > cert.not_valid_after or problem == (
        AdESIndeterminate.OUT_OF_BOUNDS_NO_POE
    ):
        return invalid, Reason.EXPIRED
    if status.revoked:
        return invalid, Reason.REVOKED
    if problem == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return VerdictKind.UNTRUSTED.value, Reason.UNTRUSTED
    if problem is not None or status.validation_path is None:
        return invalid, Reason.CHAIN_INVALID
    if timestamp is not None and not (timestamp.intact and timestamp.valid):
        return invalid, Reason.TIMESTAMP_INVALID
    if timestamp is not None and not timestamp.trusted:
        return VerdictKind.UNTRUSTED.value, Reason.TIMESTAMP_UNTRUSTED
    if not status.bottom_line:
        return invalid, Reason.CHAIN_INVALID
    return VerdictKind.VALID.value, Reason.OK


def _unreadable_report(name: str, sig_value: generic.PdfObject) -> SignatureReport:
    signed_at = None
    with contextlib.suppress(*READ_ERRORS):  # no usable /M: the time is unknown
        signed_at = generic.parse_pdf_date(sig_value.get_object()["/M"])
    return SignatureReport(
        field=name,
        signer="",
        signed_at=_iso(signed_at),
        intact=False,
        trusted=False,
        covers_whole_file=False,
        modified_after_signing=False,
        reason=Reason.SIGNATURE_UNREADABLE,
        outcome=VerdictKind.INVALID.value,
        revocation_detail=RevocationNote.UNREADABLE,
    )


def _context(
    store: TrustStore,
    data: revocation.RevocationData,
    *,
    signed_at: dt.datetime,
    policy: CertRevTrustPolicy,
    fetch: bool = False,
) -> ValidationContext:
    return ValidationContext(
        trust_roots=store.roots,
        other_certs=store.intermediates,
        moment=signed_at,
        crls=data.crls,
        ocsps=data.ocsps,
        revinfo_policy=policy,
        allow_fetching=fetch,
        fetcher_backend=revocation.fetcher_backend() if fetch else None,
    )


def _chain_ok(status: PdfSignatureStatus) -> bool:
    return status.trust_problem_indic is None and status.validation_path is not None


@dataclass(frozen=True)
class _Validated:
    status: PdfSignatureStatus
    revocation: str
    note: str


def _revocation_note(status: PdfSignatureStatus) -> str:
    details = status.revocation_details
    if details is None:
        return Reason.REVOKED
    reason = getattr(details.revocation_reason, "native", details.revocation_reason)
    return RevocationNote.REVOKED.format(
        date=_iso(details.revocation_date),
        reason=CRL_REASONS.get(str(reason), str(reason)),
    )


def _validate(
    embedded: EmbeddedPdfSignature, store: TrustStore, signed_at: dt.datetime
) -> _Validated:
    """pyHanko's validation, with revocation checking.

    First with the signer's certificate required to be covered by revocation data,
    when there is any to use or fetch: success means "good", a listed certificate
    "revoked". Otherwise, or when that fails for any other reason, again using the
    data at hand only where it applies: the result is then what it would be
    without revocation checking, and the revocation is "not_checked".
    """
    certificate = embedded.signer_cert
    nearby = [certificate, *embedded.other_embedded_certs, *store.intermediates]
    known = revocation.RevocationData(crls=list(store.crls)) + (
        revocation.cached_revinfo(nearby)
    )
    urls = revocation.revocation_urls(certificate)
    wants_fetch = bool(
        settings.REVOCATION_FETCH
        and urls
        and not revocation.fresh_for(certificate, known, timezone.now())
    )
    fetch_failed = wants_fetch and revocation.fetch_failed_recently(certificate)
    fetch = wants_fetch and not fetch_failed
    attempted = fetch or revocation.concerns(certificate, known)
    fetched = revocation.RevocationData()
    if attempted:
        context = _context(
            store, known, signed_at=signed_at, policy=REQUIRE_FOR_SIGNER, fetch=fetch
        )
        timestamps = _context(store, known, signed_at=signed_at, policy=USE_IF_PRESENT)
        try:
            status: PdfSignatureStatus | None = validate_pdf_signature(
                embedded,
                context,
                ts_validation_context=timestamps,
                key_usage_settings=KEY_USAGE,
            )
        except OSError as exc:
            # pyHanko's HTTP fetchers let a timeout escape (asyncio.TimeoutError)
            # instead of reporting a failed fetch: it is one all the same.
            logger.info("Revocation data for %s not fetched: %r", urls, exc)
            status = None
        if fetch:
            everything = revocation.RevocationData(
                crls=list(context.crls), ocsps=list(context.ocsps)
            )
            fetched = everything.minus(known)
            revocation.remember_revinfo(certificate=certificate, data=fetched)
            if not revocation.concerns(certificate, fetched):
                revocation.remember_fetch_failure(certificate)
                fetch_failed = True
        if status is not None and status.revoked:
            revoked = RevocationStatus.REVOKED.value
            return _Validated(status, revoked, _revocation_note(status))
        if status is not None and _chain_ok(status):
            return _Validated(status, RevocationStatus.GOOD.value, RevocationNote.GOOD)
    context = _context(
        store, known + fetched, signed_at=signed_at, policy=USE_IF_PRESENT
    )
    status = validate_pdf_signature(embedded, context, key_usage_settings=KEY_USAGE)
    if status.revoked:
        revoked = RevocationStatus.REVOKED.value
        return _Validated(status, revoked, _revocation_note(status))
    if not _chain_ok(status):
        note = RevocationNote.CHAIN_FAILED
    elif fetch_failed:
        note = RevocationNote.FETCH_FAILED.format(urls=", ".join(urls))
    elif attempted:
        note = RevocationNote.UNUSABLE
    else:
        note = RevocationNote.NO_DATA
    return _Validated(status, RevocationStatus.NOT_CHECKED.value, note)


def _check(
    embedded: EmbeddedPdfSignature, store: TrustStore, signature_fields: set[str]
) -> SignatureReport:
    """Validate one signature with pyHanko at its signing time and judge it."""
    signed_at = _signing_time(embedded)
    validated = _validate(embedded, store, signed_at)
    status = validated.status
    modified = _modified_after_signing(status, signature_fields)
    outcome, reason = _judge(status, signed_at=signed_at, modified=modified)
    return SignatureReport(
        field=embedded.field_name,
        signer=_common_name(status.signing_cert),
        signed_at=_iso(signed_at),
        intact=status.intact,
        trusted=(
            status.valid
            and status.trust_problem_indic is None
            and status.validation_path is not None
        ),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modified_after_signing=modified,
        reason=reason,
        outcome=outcome,
        revocation=validated.revocation,
        revocation_detail=validated.note,
    )


def _overall(reports: list[SignatureReport]) -> str:
    outcomes = {report.outcome for report in reports}
    if not reports:
        return VerdictKind.UNSIGNED.value
    for kind in (VerdictKind.INVALID, VerdictKind.UNTRUSTED):
        if kind.value in outcomes:
            return kind.value
    return VerdictKind.VALID.value


def pdf_verify(
    *,
    pdf_bytes: bytes,
    extra_trust_roots: list[bytes] | None = None,
    store: TrustStore | None = None,
) -> Verdict:
    """Verdict on every signature of the PDF, in the order they were applied.

    `store` is a trust store read beforehand (callers that run pyHanko outside the
    request's event loop read it first, so that part needs no database).
    Raises UnreadablePdf when the bytes are not a readable, unencrypted PDF and
    ValueError when an `extra_trust_roots` entry is not a certificate.
    """
    if store is None:
        store = trust_store(extra_trust_roots=extra_trust_roots or ())
    reader = _open(pdf_bytes)
    try:
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except READ_ERRORS as exc:
        raise UnreadablePdf(
            _("Không đọc được cấu trúc tệp PDF: %(error)s") % {"error": exc}
        ) from exc
    signature_fields = {name for name, _value, _field in fields}
    checked: list[tuple[int, SignatureReport]] = []
    for name, sig_value, field_ref in fields:
        try:
            if sig_value.get_object().get("/Type") == "/DocTimeStamp":
                continue  # a document timestamp is validation data, not a signer
            embedded = EmbeddedPdfSignature(reader, field_ref, name)
            report = _check(embedded, store, signature_fields)
            order = embedded.signed_revision
        except READ_ERRORS as exc:
            logger.info("Signature %s cannot be read: %s", name, exc)
            report, order = _unreadable_report(name, sig_value), len(checked) + 10**6
        checked.append((order, report))
    reports = [report for _order, report in sorted(checked, key=lambda item: item[0])]
    return Verdict(verdict=_overall(reports), signatures=reports)
