"""Active content in PDFs: find it, or make a copy without it.

A PDF can carry scripts, actions that run when it opens or when a page or field
is touched, programs to launch, embedded files, multimedia and XFA forms. None of
it belongs in a dossier, and all of it runs in whatever viewer staff open it with.
`uploads.check_active_content` refuses it on the way in (or lets it in to be served
sanitised); `uploads.stored_file_response` serves the clean copy.
"""

import io
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

ACTIVE_CONTENT_REFUSE, ACTIVE_CONTENT_SANITISE = "refuse", "sanitise"
ACTIVE_CONTENT_MODES = {ACTIVE_CONTENT_REFUSE, ACTIVE_CONTENT_SANITISE}
# Dictionary keys that are active content wherever they appear.
_ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/Launch",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/EF",
        "/RichMedia",
        "/RichMediaContent",
        "/RichMediaSettings",
        "/XFA",
    }
)
# Action types (/S) that run code, start programs, import data or play media.
_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/RichMediaExecute",
        "/GoToE",
        "/Rendition",
    }
)
# Object types and annotation subtypes that embed files or media.
_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMedia", "/FileAttachment", "/Screen"})


class PdfUnreadable(ValueError):
    """pypdf could not read the PDF (to look for, or remove, active content)."""


def _resolve(obj: PdfObject | None) -> PdfObject | None:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _dictionaries(start: PdfObject) -> Iterator[DictionaryObject]:
    """Every dictionary reachable from `start` (stream dictionaries included), once.

    A dictionary's values are walked after the caller has seen it, so what the
    caller removes from it is not walked.
    """
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject | None] = [start]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _name(obj: DictionaryObject, key: str) -> str:
    """The value of `key` when it is a name (a malformed file may put anything)."""
    value = _resolve(obj.get(key))
    return str(value) if isinstance(value, str) else ""


def _is_active_dict(obj: PdfObject | None) -> bool:
    if not isinstance(obj, DictionaryObject):
        return False
    return (
        _name(obj, "/S") in _ACTIVE_ACTIONS
        or _name(obj, "/Type") in _ACTIVE_TYPES
        or _name(obj, "/Subtype") in _ACTIVE_TYPES
    )


def _is_open_action(obj: PdfObject | None) -> bool:
    # An /OpenAction that is a destination (an array), or a plain go-to, only
    # chooses the first page shown; any other action does something on opening.
    return isinstance(obj, DictionaryObject) and _name(obj, "/S") != "/GoTo"


def _active_in(obj: DictionaryObject) -> set[str]:
    found = {str(key) for key in obj if key in _ACTIVE_KEYS}
    for key in ("/S", "/Type", "/Subtype"):
        value = _name(obj, key)
        if value in _ACTIVE_ACTIONS or value in _ACTIVE_TYPES:
            found.add(value)
    if _is_open_action(_resolve(obj.get("/OpenAction"))):
        found.add("/OpenAction")
    return found


def _reader(content: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise PdfUnreadable("encrypted")
    except PdfUnreadable:
        raise
    except Exception as exc:
        raise PdfUnreadable(str(exc)) from exc
    return reader


def pdf_active_content(content: bytes) -> list[str]:
    """The kinds of active content a PDF carries, e.g. ["JavaScript", "OpenAction"].

    Empty for a plain document. Raises PdfUnreadable when pypdf cannot read it.
    """
    reader = _reader(content)
    found: set[str] = set()
    try:
        for obj in _dictionaries(reader.trailer):
            found |= _active_in(obj)
    except RecursionError as exc:
        raise PdfUnreadable("too deeply nested") from exc
    except Exception as exc:
        raise PdfUnreadable(str(exc)) from exc
    return sorted(name.lstrip("/") for name in found)


def _strip(obj: DictionaryObject) -> None:
    for key in list(obj.keys()):
        value = _resolve(dict.__getitem__(obj, key))
        if (
            key in _ACTIVE_KEYS
            or (key == "/OpenAction" and _is_open_action(value))
            or _is_active_dict(value)
        ):
            del obj[key]
        elif isinstance(value, ArrayObject):
            kept = [item for item in value if not _is_active_dict(_resolve(item))]
            if len(kept) != len(value):
                value[:] = kept


def pdf_sanitised(content: bytes) -> bytes:
    """A copy of a PDF without its active content; the given bytes are not changed.

    Scripts, automatic actions, launch and media actions, embedded files and XFA
    are removed; pages, text, images and plain links stay. Raises PdfUnreadable
    when pypdf cannot read the file or the copy would still carry active content.
    """
    reader = _reader(content)
    try:
        for obj in _dictionaries(reader.trailer):
            _strip(obj)
        # Cloning copies only what is still reachable: the removed scripts go.
        writer = PdfWriter(clone_from=reader)
        buffer = io.BytesIO()
        writer.write(buffer)
    except Exception as exc:
        raise PdfUnreadable(str(exc)) from exc
    result = buffer.getvalue()
    if pdf_active_content(result):
        raise PdfUnreadable("active content left after sanitising")
    return result


def active_content_mode() -> str:
    """What an upload with active content gets: refused, or kept and sanitised."""
    mode = str(settings.UPLOAD_ACTIVE_CONTENT).strip().lower()
    if mode == "sanitize":
        mode = ACTIVE_CONTENT_SANITISE
    if mode not in ACTIVE_CONTENT_MODES:
        raise ImproperlyConfigured(
            "UPLOAD_ACTIVE_CONTENT must be 'refuse' or 'sanitise', "
            f"not {settings.UPLOAD_ACTIVE_CONTENT!r}."
        )
    return mode
