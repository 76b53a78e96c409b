"""What is read from a document's PDF: pages, text layer, OCR and signatures.

Read-only helpers: they take bytes and return facts; services store them.
"""

import io
import logging
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from backoffice.signatures.event_loop import outside_event_loop
from backoffice.signatures.verification import (
    READ_ERRORS,
    TrustStore,
    UnreadablePdf,
    pdf_verify,
    trust_store,
)

logger = logging.getLogger(__name__)

OCR_LANGUAGE = "vie"
OCR_DPI = 300
OCR_TIMEOUT_SECONDS = 120
# A text layer shorter than this per page is a scan's stray characters, not text.
MIN_TEXT_CHARS_PER_PAGE = 20


@dataclass(frozen=True)
class PdfFacts:
    """Pages, text layer and signature verdict of one PDF."""

    pages: int
    text: str
    verdict: str
    signatures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def needs_ocr(self) -> bool:
        return len(self.text.strip()) < MIN_TEXT_CHARS_PER_PAGE * max(self.pages, 1)


def pdf_text_layer(pdf_bytes: bytes) -> tuple[int, str]:
    """(page count, text of the text layer); UnreadablePdf for a broken file."""
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
        if reader.is_encrypted:
            raise UnreadablePdf(_("Tệp PDF được mã hóa, không đọc được nội dung."))
        texts = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, *READ_ERRORS) as exc:
        raise UnreadablePdf(
            _("Tệp PDF bị hỏng, không đọc được: %(error)s") % {"error": exc}
        ) from exc
    if not texts:
        raise UnreadablePdf(_("Tệp PDF không có trang nào."))
    return len(texts), "\n\n".join(text.strip() for text in texts).strip()


def pdf_ocr(pdf_bytes: bytes, *, language: str = OCR_LANGUAGE) -> str:
    """Text of every page by Tesseract OCR (one process, one OpenMP thread)."""
    from pdf2image import convert_from_bytes

    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    texts = []
    with tempfile.TemporaryDirectory() as folder:
        images = convert_from_bytes(
            pdf_bytes, dpi=OCR_DPI, output_folder=folder, fmt="png", paths_only=True
        )
        for image in images:
            result = subprocess.run(  # noqa: S603
                ["tesseract", str(image), "stdout", "-l", language],  # noqa: S607
                capture_output=True,
                check=True,
                timeout=OCR_TIMEOUT_SECONDS,
                env=environment,
            )
            texts.append(result.stdout.decode("utf-8", "replace").strip())
    return "\n\n".join(texts).strip()


def _common_name(certificate: asn1_x509.Certificate) -> str:
    name = certificate.subject.native.get("common_name")
    if isinstance(name, list):
        name = name[0]
    return str(name) if name else certificate.subject.human_friendly


def _issuer_chains(pdf_bytes: bytes, store: TrustStore) -> dict[str, list[str]]:
    """Field name → issuer common names from the signer's issuer up to a root,
    from the certificates the signature carries plus the trust store."""
    known = [*store.roots, *store.intermediates]
    chains: dict[str, list[str]] = {}
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except READ_ERRORS:
        return chains
    for name, sig_value, field_ref in fields:
        try:
            if sig_value.get_object().get("/Type") == "/DocTimeStamp":
                continue
            embedded = EmbeddedPdfSignature(reader, field_ref, name)
            current = embedded.signer_cert
            pool = [*embedded.other_embedded_certs, *known]
        except READ_ERRORS:
            continue
        chain: list[str] = []
        for _step in range(8):  # chains are short; this bounds a loop in bad data
            if current.subject == current.issuer:
                break
            parent = next((c for c in pool if c.subject == current.issuer), None)
            if parent is None:
                chain.append(current.issuer.human_friendly)
                break
            chain.append(_common_name(parent))
            current = parent
        chains[name] = chain
    return chains


def pdf_facts(pdf_bytes: bytes) -> PdfFacts:
    """Read one PDF: pages, text layer and signature verdict with details.

    Raises UnreadablePdf when the file is not a readable, unencrypted PDF.
    """
    pages, text = pdf_text_layer(pdf_bytes)
    store = trust_store()
    verdict = outside_event_loop(lambda: pdf_verify(pdf_bytes=pdf_bytes, store=store))
    chains = _issuer_chains(pdf_bytes, store) if verdict.signatures else {}
    signatures = [
        {**report.as_dict(), "issuer_chain": chains.get(report.field, [])}
        for report in verdict.signatures
    ]
    return PdfFacts(
        pages=pages, text=text, verdict=verdict.verdict, signatures=signatures
    )
