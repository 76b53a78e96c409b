"""Procedure catalogue writes: import from CSV or JSON, all rows or none."""

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from backoffice.core.models import Agency
from backoffice.core.services import audit_record

from .constants import CopyForm, OnlineLevel
from .models import Field, Procedure, ProcedureComponent
from .validators import parse_formats, validate_formats, validate_procedure_code

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
]
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
            [("tệp", "Tệp không phải UTF-8 (hãy lưu lại với mã hóa UTF-8).")]
        ) from exc
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return _parse_json(text)
    if suffix == ".csv":
        return _parse_csv(text)
    raise ProcedureImportError([("tệp", "Chỉ nhận tệp .csv hoặc .json.")])


def _parse_json(text: str) -> tuple[list[dict], list[dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProcedureImportError(
            [(f"dòng {exc.lineno}", f"JSON không hợp lệ: {exc.msg}")]
        ) from exc
    if isinstance(data, list):
        data = {"procedures": data}
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise ProcedureImportError(
            [("tệp", "JSON phải là danh sách thủ tục hoặc có khóa “procedures”.")]
        )
    fields = data.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        raise ProcedureImportError(
            [("fields", "“fields” phải là danh sách đối tượng.")]
        )
    procedures = []
    for i, item in enumerate(data["procedures"], start=1):
        if not isinstance(item, dict):
            raise ProcedureImportError([(f"procedures[{i}]", "Phải là một đối tượng.")])
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
                    "dòng 1",
                    f"Thiếu cột: {', '.join(missing)}. "
                    f"Các cột: {', '.join(CSV_COLUMNS)}.",
                )
            ]
        )
    fields: dict[str, dict] = {}
    procedures: dict[str, dict] = {}
    errors: list[tuple[str, str]] = []
    for row in reader:
        line = f"dòng {reader.line_num}"
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
        elif row.get("name") and row["name"] != record["name"]:
            errors.append((line, f"Mã {code} đã có ở {record['line']} với tên khác."))
        if row.get("component_name"):
            required = row.get("component_required", "1").lower()
            if required not in TRUE_WORDS | FALSE_WORDS:
                errors.append(
                    (line, f"component_required “{required}” phải là 1 hoặc 0.")
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


def _validate(fields: list[dict], procedures: list[dict]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    field_codes = {f.get("code") for f in fields} | set(
        Field.objects.values_list("code", flat=True)
    )
    for f in fields:
        if not f.get("code") or not f.get("name"):
            errors.append(("fields", f"Lĩnh vực thiếu mã hoặc tên: {f}"))
    agency_codes = set(Agency.objects.values_list("code", flat=True))
    seen: dict[str, str] = {}
    for p in procedures:
        line, code = p["line"], str(p.get("code", ""))
        try:
            validate_procedure_code(code)
        except ValidationError as exc:
            errors.append((line, exc.messages[0]))
        if code in seen:
            errors.append((line, f"Mã thủ tục {code} bị trùng với {seen[code]}."))
        seen.setdefault(code, line)
        if not p.get("name"):
            errors.append((line, "Thiếu tên thủ tục."))
        if p.get("field") not in field_codes:
            errors.append(
                (line, f"Lĩnh vực “{p.get('field')}” chưa có trong danh mục.")
            )
        agencies = p.get("agencies") or []
        if not agencies:
            errors.append((line, "Cần ít nhất một cơ quan thực hiện."))
        for a in agencies:
            if a not in agency_codes:
                errors.append((line, f"Không có cơ quan mã “{a}”."))
        days = p.get("processing_days")
        if (
            not (isinstance(days, int) or (isinstance(days, str) and days.isdigit()))
            or int(days) < 1
        ):
            errors.append(
                (line, f"Thời hạn giải quyết “{days}” phải là số ngày làm việc ≥ 1.")
            )
        if p.get("online_level", OnlineLevel.PARTIAL) not in OnlineLevel.values:
            errors.append(
                (
                    line,
                    f"Mức độ trực tuyến “{p.get('online_level')}” "
                    "phải là full hoặc partial.",
                )
            )
        components = p.get("components") or []
        if not isinstance(components, list):
            errors.append((line, "“components” phải là danh sách."))
            continue
        for j, c in enumerate(components, start=1):
            where = c.get("line") or f"{line}.components[{j}]"
            errors.extend(_validate_component(where, c))
    return errors


def _validate_component(where: str, c: dict) -> list[tuple[str, str]]:
    errors = []
    if not c.get("name"):
        errors.append((where, "Thiếu tên thành phần hồ sơ."))
    if c.get("form", CopyForm.ORIGINAL) not in CopyForm.values:
        errors.append(
            (
                where,
                f"Loại bản “{c.get('form')}” không hợp lệ "
                f"({', '.join(CopyForm.values)}).",
            )
        )
    count = c.get("count", 1)
    if not str(count).isdigit() or int(count) < 1:
        errors.append((where, f"Số lượng “{count}” phải là số nguyên ≥ 1."))
    formats = c.get("formats", ["pdf"])
    try:
        validate_formats(
            ",".join(formats) if isinstance(formats, list) else str(formats)
        )
    except ValidationError as exc:
        errors.append((where, exc.messages[0]))
    return errors


def procedures_import(
    *, actor: AbstractBaseUser | None, name: str, content: bytes
) -> ImportResult:
    """Import a procedure file; one bad row refuses the whole file, saving nothing."""
    fields, procedures = parse_procedure_file(name=name, content=content)
    errors = _validate(fields, procedures)
    if errors:
        raise ProcedureImportError(errors)
    return _save(actor=actor, fields=fields, procedures=procedures)


@transaction.atomic
def _save(
    *, actor: AbstractBaseUser | None, fields: list[dict], procedures: list[dict]
) -> ImportResult:
    result = ImportResult()
    for f in fields:
        Field.objects.update_or_create(code=f["code"], defaults={"name": f["name"]})
    agencies = {a.code: a for a in Agency.objects.all()}
    field_by_code = {f.code: f for f in Field.objects.all()}
    for p in procedures:
        desired = _desired_state(p)
        procedure = Procedure.objects.filter(code=p["code"]).first()
        before = _state(procedure) if procedure else None
        if before == desired:
            result.unchanged.append(p["code"])
            continue
        procedure = procedure or Procedure(code=p["code"])
        procedure.name = p["name"]
        procedure.field = field_by_code[p["field"]]
        procedure.processing_days = int(p["processing_days"])
        for key in ("fees", "result", "legal_basis"):
            setattr(procedure, key, p.get(key, "") or "")
        procedure.online_level = p.get("online_level") or OnlineLevel.PARTIAL
        # A ClusterableModel keeps its parental relations in memory until save().
        procedure.agencies = [agencies[a] for a in p["agencies"]]
        procedure.components = [
            ProcedureComponent(sort_order=order, **c)
            for order, c in enumerate(desired["components"])
        ]
        procedure.save()
        (result.created if before is None else result.updated).append(p["code"])
        audit_record(
            actor=actor,
            action="procedure.imported",
            obj=procedure,
            before=before,
            after=desired,
        )
    return result


def _desired_state(p: dict) -> dict:
    return {
        "name": p["name"],
        "field": p["field"],
        "agencies": sorted(p["agencies"]),
        "processing_days": int(p["processing_days"]),
        "fees": p.get("fees", "") or "",
        "online_level": p.get("online_level") or OnlineLevel.PARTIAL,
        "result": p.get("result", "") or "",
        "legal_basis": p.get("legal_basis", "") or "",
        "components": [
            {
                "name": c["name"],
                "required": bool(c.get("required", True)),
                "copy_form": c.get("form") or CopyForm.ORIGINAL,
                "count": int(c.get("count", 1)),
                "accepted_formats": ",".join(
                    c["formats"]
                    if isinstance(c.get("formats"), list)
                    else parse_formats(str(c.get("formats", "pdf")))
                ),
            }
            for c in p.get("components") or []
        ],
    }


def _state(procedure: Procedure) -> dict:
    return {
        "name": procedure.name,
        "field": procedure.field.code,
        "agencies": sorted(procedure.agencies.values_list("code", flat=True)),
        "processing_days": procedure.processing_days,
        "fees": procedure.fees,
        "online_level": procedure.online_level,
        "result": procedure.result,
        "legal_basis": procedure.legal_basis,
        "components": [
            {
                "name": c.name,
                "required": c.required,
                "copy_form": c.copy_form,
                "count": c.count,
                "accepted_formats": c.accepted_formats,
            }
            for c in procedure.components.all()
        ],
    }
