"""Read an import folder: a metadata file (CSV or JSON) and the PDFs it names.

Columns (README.md, "Document import"): number_symbol, type, issuer, issued_date,
subject, files, and optionally signer_name, signer_position, effective_date, field,
status, replaced_by, replaced_by_issuer, encoding. Text in a legacy Vietnamese
encoding (TCVN3/ABC, VNI) is converted to Unicode NFC.
"""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from anyascii import anyascii

from backoffice.core.text import nfc

from .constants import DocumentType, LegalStatus
from .legacy_text import legacy_decode, legacy_to_unicode

METADATA_NAMES = ("metadata.json", "metadata.csv")
TEXT_COLUMNS = (
    "number_symbol",
    "type",
    "issuer",
    "signer_name",
    "signer_position",
    "field",
    "subject",
    "status",
    "replaced_by",
    "replaced_by_issuer",
)
REQUIRED_COLUMNS = (
    "number_symbol",
    "type",
    "issuer",
    "issued_date",
    "subject",
    "files",
)
STATUS_ALIASES = {
    "": LegalStatus.IN_FORCE,
    "in-force": LegalStatus.IN_FORCE,
    "in_force": LegalStatus.IN_FORCE,
    "con hieu luc": LegalStatus.IN_FORCE,
    "expired": LegalStatus.EXPIRED,
    "het hieu luc": LegalStatus.EXPIRED,
    "replaced": LegalStatus.REPLACED,
    "bi thay the": LegalStatus.REPLACED,
}


class MetadataError(Exception):
    """The folder or its metadata file cannot be read at all (Vietnamese message)."""


class RowError(Exception):
    """One row is unusable; the import goes on with the next."""


class ReplacementMissing(RowError):
    """The row names a replacing document that is not (yet) in the library."""


@dataclass
class ImportRow:
    """One row of the metadata file, text already converted to NFC."""

    row: int
    values: dict[str, str]
    files: list[str] = field(default_factory=list)
    error: str = ""  # why the row could not even be read (e.g. its encoding)


def _fold(value: str) -> str:
    return " ".join(anyascii(value).lower().replace("_", " ").split())


TYPE_BY_NAME: dict[str, str] = {
    **{_fold(str(label)): str(value) for value, label in DocumentType.choices},
    **{str(value): str(value) for value in DocumentType.values},
}


def metadata_file(folder: Path) -> Path:
    """The folder's metadata file; MetadataError if the folder or file is missing."""
    if not folder.is_dir():
        raise MetadataError(
            _("Không tìm thấy thư mục “%(folder)s”.") % {"folder": folder}
        )
    for name in METADATA_NAMES:
        if (folder / name).is_file():
            return folder / name
    candidates = sorted([*folder.glob("*.json"), *folder.glob("*.csv")])
    if len(candidates) == 1:
        return candidates[0]
    raise MetadataError(
        _(
            "Thư mục “%(folder)s” cần đúng một tệp thông tin văn bản "
            "(metadata.csv hoặc metadata.json)."
        )
        % {"folder": folder}
    )


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM); otherwise a legacy 8-bit Vietnamese encoding."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return legacy_decode(content)


def _unicode(value: Any, encoding: str | None) -> str:
    """NFC text; legacy TCVN3/VNI text (named by the row, else detected) converted.

    Raises RowError when the named encoding is unknown or does not fit the text.
    """
    text = "" if value is None else str(value)
    try:
        text = legacy_to_unicode(text, encoding=encoding)
    except ValueError as exc:
        raise RowError(str(exc)) from exc
    return nfc(text).strip()


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    text = _decode(path.read_bytes())
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MetadataError(
                _("Tệp %(name)s không phải JSON hợp lệ (dòng %(line)s): %(error)s.")
                % {"name": path.name, "line": exc.lineno, "error": exc.msg}
            ) from exc
        if isinstance(data, dict):
            data = data.get("documents")
        if not isinstance(data, list):
            raise MetadataError(
                _(
                    "Tệp %(name)s phải là một danh sách văn bản hoặc "
                    '{"documents": [...]}.'
                )
                % {"name": path.name}
            )
        return [
            (i, item if isinstance(item, dict) else {})
            for i, item in enumerate(data, start=1)
        ]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise MetadataError(
            _("Tệp %(name)s thiếu cột: %(columns)s (xem README.md).")
            % {"name": path.name, "columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    return [(reader.line_num, dict(record)) for record in reader]


def rows_read(folder: Path) -> list[ImportRow]:
    """Every row of the folder's metadata file, text in NFC."""
    rows = []
    for number, record in _records(metadata_file(folder)):
        encoding = str(record.get("encoding") or "").strip().lower() or None
        values: dict[str, str] = {}
        error = ""
        for key, value in record.items():
            if key is None or key == "files":
                continue
            key = str(key).strip()
            try:
                values[key] = (
                    _unicode(value, encoding)
                    if key in TEXT_COLUMNS
                    else str(value or "").strip()
                )
            except RowError as exc:
                error = _("Cột “%(column)s”: %(error)s") % {
                    "column": key,
                    "error": exc,
                }
        raw_files = record.get("files") or []
        if isinstance(raw_files, str):
            raw_files = raw_files.replace(",", ";").split(";")
        files = [str(name).strip() for name in raw_files if str(name).strip()]
        rows.append(ImportRow(row=number, values=values, files=files, error=error))
    return rows


def document_type_of(value: str) -> str:
    """The DocumentType value for a type written as its value or its name."""
    found = TYPE_BY_NAME.get(value.strip()) or TYPE_BY_NAME.get(_fold(value))
    if found is None:
        raise RowError(
            _("Loại văn bản “%(value)s” không có trong danh mục thể loại văn bản.")
            % {"value": value}
        )
    return found


def legal_status_of(value: str) -> str:
    found = STATUS_ALIASES.get(_fold(value).replace(" ", "-")) or STATUS_ALIASES.get(
        _fold(value)
    )
    if found is None:
        raise RowError(
            _(
                "Tình trạng hiệu lực “%(value)s” không hợp lệ (in-force/expired/"
                "replaced hoặc Còn hiệu lực/Hết hiệu lực/Bị thay thế)."
            )
            % {"value": value}
        )
    return found


def date_of(value: str, column: str, *, required: bool) -> dt.date | None:
    """ISO (2016-06-09) or Vietnamese day/month/year (09/06/2016)."""
    value = value.strip()
    if not value:
        if required:
            raise RowError(_("Thiếu %(column)s.") % {"column": column})
        return None
    for parse in (
        dt.date.fromisoformat,
        lambda v: dt.datetime.strptime(v, "%d/%m/%Y").date(),
    ):
        try:
            return parse(value)
        except ValueError:
            continue
    raise RowError(
        _("%(column)s “%(value)s” không hợp lệ (dạng 2016-06-09 hoặc 09/06/2016).")
        % {"column": column.capitalize(), "value": value}
    )


def pdf_path(folder: Path, name: str) -> Path:
    """The named PDF inside the folder; RowError if it is missing or outside."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise RowError(_("Tệp “%(name)s” nằm ngoài thư mục nhập.") % {"name": name})
    if not path.is_file():
        raise RowError(
            _("Không tìm thấy tệp PDF “%(name)s” trong thư mục.") % {"name": name}
        )
    return path
