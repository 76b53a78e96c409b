"""Signing a form or result the office issues, and reading back its verdict."""

from backoffice.core.models import Agency


def signed_with_verdict(
    content: bytes, *, agency: Agency, reason: str
) -> tuple[bytes, str]:
    """`content` signed with the agency certificate, and the verdict of checking
    the signed bytes at once ("valid" with a working PKI; "invalid" if unreadable).
    """
    from backoffice.signatures.official import issued_pdf_sign
    from backoffice.signatures.verification import UnreadablePdf, pdf_verify

    signed = issued_pdf_sign(pdf_bytes=content, agency=agency, reason=reason)
    try:
        verdict = pdf_verify(pdf_bytes=signed).verdict
    except UnreadablePdf:
        verdict = "invalid"
    return signed, verdict
