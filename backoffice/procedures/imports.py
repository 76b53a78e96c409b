"""Reading procedure files (CSV or JSON) into records; nothing is saved here."""

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .constants import ApplicantType, CopyForm, OnlineLevel, SubmissionChannel
from .validators import parse_formats

CSV_COLUMNS = [
    "code",
    "name",
    "field_code",
    "field_name",
    "agencies",
    "processing_days",
    "fees",
    "online_level",
    "result",
    "legal_basis",
    "component_name",
    "component_required",
    "component_form",
    "component_count",
    "component_formats",
    # Optional columns of the procedure sheet (a row without them keeps defaults).
    "steps",
    "channels",
    "applicant_types",
    "conditions",
    "processing_time_note",
]
# Where a procedure file does not say, a dossier is handed in at the counter or
# online, by a citizen.
DEFAULT_CHANNELS = [SubmissionChannel.COUNTER.value, SubmissionChannel.ONLINE.value]
DEFAULT_APPLICANT_TYPES = [ApplicantType.CITIZEN.value]
SHEET_TEXTS = ("fees", "result", "legal_basis", "conditions", "processing_time_note")
TEMPLATE_FORMATS = ("pdf", "docx", "doc", "odt")
TEMPLATE_MAX_BYTES = 5 * 2**20
TRUE_WORDS = {"1", "true", "yes", "x", "có", "co", "bắt buộc"}
FALSE_WORDS = {"0", "false", "no", "", "không", "khong"}


class ProcedureImportError(Exception):
    """The file was refused; `errors` lists (line, message) and nothing was saved."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{line}: {msg}" for line, msg in errors))


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def parse_procedure_file(*, name: str, content: bytes) -> tuple[list[dict], list[dict]]:
    """Turn a CSV or JSON file into (fields, procedures) records with a `line` each."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProcedureImportError(
            [(_("tệp"), _("Tệp không phải UTF-8 (hãy lưu lại với mã hóa UTF-8)."))]
        ) from exc
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return _parse_json(text)
    if suffix == ".csv":
        return _parse_csv(text)
    raise ProcedureImportError([(_("tệp"), _("Chỉ nhận tệp .csv hoặc .json."))])


def _parse_json(text: str) -> tuple[list[dict], list[dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProcedureImportError(
            [
                (
                    _("dòng %(line)s") % {"line": exc.lineno},
                    _("JSON không hợp lệ: %(error)s") % {"error": exc.msg},
                )
            ]
        ) from exc
    if isinstance(data, list):
        data = {"procedures": data}
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise ProcedureImportError(
            [
                (
                    _("tệp"),
                    _("JSON phải là danh sách thủ tục hoặc có khóa “procedures”."),
                )
            ]
        )
    fields = data.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        raise ProcedureImportError(
            [("fields", _("“fields” phải là danh sách đối tượng."))]
        )
    procedures = []
    for i, item in enumerate(data["procedures"], start=1):
        if not isinstance(item, dict):
            raise ProcedureImportError(
                [(f"procedures[{i}]", _("Phải là một đối tượng."))]
            )
        record = _nfc(item)
        record["line"] = f"procedures[{i}]"
        procedures.append(record)
    return [_nfc(f) for f in fields], procedures


def _parse_csv(text: str) -> tuple[list[dict], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c
        for c in ("code", "name", "field_code", "processing_days")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise ProcedureImportError(
            [
                (
                    _("dòng %(line)s") % {"line": 1},
                    _("Thiếu cột: %(missing)s. Các cột: %(columns)s.")
                    % {
                        "missing": ", ".join(missing),
                        "columns": ", ".join(CSV_COLUMNS),
                    },
                )
            ]
        )
    fields: dict[str, dict] = {}
    procedures: dict[str, dict] = {}
    errors: list[tuple[str, str]] = []
    for row in reader:
        line = _("dòng %(line)s") % {"line": reader.line_num}
        row = {k: _nfc(v or "") for k, v in row.items() if k}
        code = row.get("code", "")
        if row.get("field_code") and row.get("field_name"):
            fields.setdefault(
                row["field_code"],
                {"code": row["field_code"], "name": row["field_name"]},
            )
        record = procedures.get(code)
        if record is None:
            record = procedures[code] = {
                "line": line,
                "code": code,
                "name": row.get("name", ""),
                "field": row.get("field_code", ""),
                "agencies": [
                    a.strip()
                    for a in row.get("agencies", "").replace(",", ";").split(";")
                    if a.strip()
                ],
                "processing_days": row.get("processing_days", ""),
                "fees": row.get("fees", ""),
                "online_level": row.get("online_level", "") or OnlineLevel.PARTIAL,
                "result": row.get("result", ""),
                "legal_basis": row.get("legal_basis", ""),
                "components": [],
            }
            for key in ("steps", "conditions", "processing_time_note"):
                if row.get(key):
                    record[key] = row[key]
            for key in ("channels", "applicant_types"):
                if row.get(key):
                    record[key] = _codes(row[key])
        elif row.get("name") and row["name"] != record["name"]:
            errors.append(
                (
                    line,
                    _("Mã %(code)s đã có ở %(line)s với tên khác.")
                    % {"code": code, "line": record["line"]},
                )
            )
        if row.get("component_name"):
            required = row.get("component_required", "1").lower()
            if required not in TRUE_WORDS | FALSE_WORDS:
                errors.append(
                    (
                        line,
                        _("component_required “%(value)s” phải là 1 hoặc 0.")
                        % {"value": required},
                    )
                )
            record["components"].append(
                {
                    "line": line,
                    "name": row["component_name"],
                    "required": required in TRUE_WORDS,
                    "form": row.get("component_form") or CopyForm.ORIGINAL,
                    "count": row.get("component_count") or 1,
                    "formats": parse_formats(
                        row.get("component_formats") or "pdf,jpg,png"
                    ),
                }
            )
    if errors:
        raise ProcedureImportError(errors)
    return list(fields.values()), list(procedures.values())


def _codes(value: str) -> list[str]:
    """ "counter; online,post" → ["counter", "online", "post"]."""
    return [v.strip().lower() for v in value.replace(",", ";").split(";") if v.strip()]


def steps_parse(value: Any) -> list[str]:
    """Steps as a list of lines; a CSV cell separates them by newlines or `|`."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value or "").replace("|", "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]
