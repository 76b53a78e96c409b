"""What a file is, by its content and never by its name: the one sniffer.

Uploads (`uploads.check_upload`) and scans (`scanning.pipeline.sources`) both ask
here, so a file one way in refuses is refused by the other. The rules are strict:
a signature counts only at offset 0. Readers tolerate junk before `%PDF-`, but a
file that only a tolerant reader opens is not what it claims, and every check
that looks for `%PDF-` at the start (active content) would pass it unseen.

No Django here: the scan pipeline runs without a database.
"""

import io
import zipfile

PDF, JPG, PNG, TIFF, DOCX, DOC, ODT = "pdf", "jpg", "png", "tiff", "docx", "doc", "odt"
ZIP = "zip"
HEIC = "heic"  # iPhone photos (HEIF with HEVC); opened through pillow-heif
MEDIA_TYPES = {
    PDF: "application/pdf",
    JPG: "image/jpeg",
    PNG: "image/png",
    TIFF: "image/tiff",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DOC: "application/msword",
    ODT: "application/vnd.oasis.opendocument.text",
    HEIC: "image/heic",
}
EXTENSION_ALIASES = {"jpeg": JPG, "jpe": JPG, "tif": TIFF, "heif": HEIC, "hif": HEIC}
# Where a component accepts JPG, a phone's HEIC photo is the same kind of thing.
FORMAT_EQUIVALENTS = {HEIC: JPG}
# The ISO-BMFF brands of still HEIF/HEIC images (bytes 8–12, after "ftyp").
HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
# How many leading bytes decide every kind except the ZIP containers.
HEAD_BYTES = 16

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (OLE2, DOC),
)


def sniff(content: bytes) -> str | None:
    """The kind of a file ("pdf", "jpg", "png", "tiff", "heic", "doc", "docx",
    "odt", "zip") from its bytes, or None when it is none of them.

    Telling DOCX and ODT from a plain ZIP needs the whole file; from its first
    `HEAD_BYTES` bytes every other kind is known.
    """
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content[4:8] == b"ftyp" and content[8:12] in HEIC_BRANDS:
        return HEIC
    if content.startswith(b"PK\x03\x04"):
        return _sniff_zip(content)
    return None


def _sniff_zip(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                mimetype = archive.read("mimetype").strip()
                return ODT if mimetype == MEDIA_TYPES[ODT].encode() else ZIP
            if "[Content_Types].xml" in names and any(
                n.startswith("word/") for n in names
            ):
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return ZIP


def register_heif_opener() -> None:
    """Let Pillow open HEIC/HEIF (pillow-heif); safe to call more than once."""
    from pillow_heif import register_heif_opener as register

    register()


def normalise_extension(extension: str) -> str:
    """ "jpeg" and "jpe" are "jpg", "tif" is "tiff", "heif" is "heic"; anything
    else as given."""
    extension = extension.lower()
    return EXTENSION_ALIASES.get(extension, extension)
