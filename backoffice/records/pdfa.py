"""PDF/A-2b copies made by Ghostscript (pdfwrite with -dPDFA=2 and an sRGB output
intent). The original is never touched: the copy is a separate file, and a PDF
that cannot be converted is reported with the reason — never dropped, never
passed off as converted.

Ghostscript rather than ocrmypdf: ocrmypdf's PDF/A step is Ghostscript itself
plus an OCR pipeline the archive does not need; calling gs directly keeps one
Debian package and one subprocess per document.
"""

import functools
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# PDFA_def.ps as Ghostscript ships it, with the output profile filled in.
PDFA_DEF = """%!
[ /Title ({title}) /DOCINFO pdfmark
/ICCProfile ({icc}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} <<
  /Type /OutputIntent
  /S /GTS_PDFA1
  /DestOutputProfile {{icc_PDFA}}
  /OutputConditionIdentifier (sRGB)
>> /PUT pdfmark
[{{Catalog}} <</OutputIntents [ {{OutputIntent_PDFA}} ]>> /PUT pdfmark
"""

# The XMP identification Ghostscript writes for a PDF/A-2b file.
PDFA2B = re.compile(rb"pdfaid:part=['\"]2['\"]|<pdfaid:part>2</pdfaid:part>")
CONFORMANCE_B = re.compile(
    rb"pdfaid:conformance=['\"]B['\"]|<pdfaid:conformance>B</pdfaid:conformance>"
)


@dataclass(frozen=True)
class PdfaOutcome:
    converted: bool
    reason: str = ""


def _ps_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@functools.cache
def _definition_file(icc: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="motcua-pdfa-"))
    path = folder / "PDFA_def.ps"
    path.write_text(PDFA_DEF.format(title="", icc=_ps_string(icc)), encoding="ascii")
    return path


def pdfa_available() -> bool:
    """Whether Ghostscript and the output profile are there."""
    try:
        subprocess.run(  # noqa: S603 — fixed arguments, no shell
            [settings.RECORDS_GHOSTSCRIPT, "--version"],
            capture_output=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return Path(settings.RECORDS_PDFA_ICC_PROFILE).is_file()


def pdf_declares_pdfa2b(path: Path) -> bool:
    """Whether the file's XMP metadata says PDF/A-2B (Ghostscript writes it
    uncompressed; read in chunks with an overlap)."""
    part = conformance = False
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            window = tail + chunk
            part = part or bool(PDFA2B.search(window))
            conformance = conformance or bool(CONFORMANCE_B.search(window))
            tail = window[-200:]
    return part and conformance


def pdfa_convert(source: Path, target: Path) -> PdfaOutcome:
    """Write a PDF/A-2b copy of `source` to `target`; the outcome says whether it
    worked and, when not, why (target removed then)."""
    with source.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            # Ghostscript would run anything else as PostScript.
            return PdfaOutcome(False, "not a PDF file")
    expected = _page_count(source)
    if isinstance(expected, str):
        return PdfaOutcome(False, expected)
    icc = settings.RECORDS_PDFA_ICC_PROFILE
    if not Path(icc).is_file():
        return PdfaOutcome(False, f"ICC profile missing: {icc}")
    command = [
        settings.RECORDS_GHOSTSCRIPT,
        "-q",
        "-dPDFA=2",
        "-dBATCH",
        "-dNOPAUSE",
        "-dSAFER",
        "-dNOOUTERSAVE",
        "-sDEVICE=pdfwrite",
        "-sColorConversionStrategy=RGB",
        "-dPDFACompatibilityPolicy=2",  # refuse what cannot conform: never fake it
        f"--permit-file-read={icc}",
        f"-sOutputFile={target}",
        str(_definition_file(icc)),
        str(source),
    ]
    try:
        done = subprocess.run(  # noqa: S603 — no shell; paths we made
            command,
            capture_output=True,
            timeout=settings.RECORDS_PDFA_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        target.unlink(missing_ok=True)
        return PdfaOutcome(
            False, f"timeout after {settings.RECORDS_PDFA_TIMEOUT_SECONDS} s"
        )
    except OSError as exc:
        target.unlink(missing_ok=True)
        return PdfaOutcome(False, f"Ghostscript not available: {exc}")
    message = (done.stderr + done.stdout).decode("utf-8", "replace")
    lines = [line.strip(" *") for line in message.splitlines() if line.strip(" *")]
    # Ghostscript exits 0 after repairing a damaged file or skipping one it may
    # not open (a password): its "**** Error" lines say the copy is not faithful.
    if done.returncode != 0 or "**** Error" in message or not target.is_file():
        target.unlink(missing_ok=True)
        return PdfaOutcome(
            False, f"Ghostscript exit {done.returncode}: {' '.join(lines[:3])[:300]}"
        )
    if not pdf_declares_pdfa2b(target):
        target.unlink(missing_ok=True)
        return PdfaOutcome(False, "the output does not declare PDF/A-2B")
    got = _page_count(target)
    if got != expected:
        target.unlink(missing_ok=True)
        return PdfaOutcome(False, f"the copy has {got} pages, the original {expected}")
    return PdfaOutcome(True)


def _page_count(path: Path) -> int | str:
    """The PDF's page count, or why it cannot be converted faithfully."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return "encrypted PDF (password protected)"
        count = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        return f"unreadable PDF: {str(exc)[:200]}"
    return count if count > 0 else "the PDF has no pages"
