"""Procedure catalogue writes: import from CSV or JSON, all rows or none."""

import hashlib
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.services import audit_record

from .constants import ApplicantType, CopyForm, OnlineLevel, SubmissionChannel
from .imports import (
    DEFAULT_APPLICANT_TYPES,
    DEFAULT_CHANNELS,
    SHEET_TEXTS,
    TEMPLATE_FORMATS,
    TEMPLATE_MAX_BYTES,
    ImportResult,
    ProcedureImportError,
    parse_procedure_file,
    steps_parse,
)
from .models import Field, Procedure, ProcedureComponent
from .validators import parse_formats, validate_formats, validate_procedure_code

__all__ = ["ImportResult", "ProcedureImportError", "procedures_import"]


def _validate_sheet(line: str, p: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    for key, choices in (
        ("channels", SubmissionChannel),
        ("applicant_types", ApplicantType),
    ):
        if key not in p:
            continue
        values = p[key]
        if not isinstance(values, list) or not values:
            errors.append(
                (line, _("“%(key)s” phải là danh sách khác rỗng.") % {"key": key})
            )
            continue
        unknown = [str(v) for v in values if v not in choices.values]
        if unknown:
            errors.append(
                (
                    line,
                    _(
                        "“%(key)s” có giá trị không hợp lệ: %(values)s "
                        "(cho phép: %(allowed)s)."
                    )
                    % {
                        "key": key,
                        "values": ", ".join(unknown),
                        "allowed": ", ".join(choices.values),
                    },
                )
            )
    steps = p.get("steps", [])
    if not isinstance(steps, list | str):
        errors.append((line, _("“steps” phải là danh sách các bước hoặc văn bản.")))
    for key in SHEET_TEXTS:
        if not isinstance(p.get(key, ""), str):
            errors.append((line, _("“%(key)s” phải là văn bản.") % {"key": key}))
    return errors


def _validate(
    fields: list[dict], procedures: list[dict], template_dir: Path | None = None
) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    field_codes = {f.get("code") for f in fields} | set(
        Field.objects.values_list("code", flat=True)
    )
    for f in fields:
        if not f.get("code") or not f.get("name"):
            errors.append(("fields", _("Lĩnh vực thiếu mã hoặc tên: %(f)s") % {"f": f}))
    agency_codes = set(Agency.objects.values_list("code", flat=True))
    seen: dict[str, str] = {}
    for p in procedures:
        line, code = p["line"], str(p.get("code", ""))
        try:
            validate_procedure_code(code)
        except ValidationError as exc:
            errors.append((line, exc.messages[0]))
        if code in seen:
            errors.append(
                (
                    line,
                    _("Mã thủ tục %(code)s bị trùng với %(previous)s.")
                    % {"code": code, "previous": seen[code]},
                )
            )
        seen.setdefault(code, line)
        if not p.get("name"):
            errors.append((line, _("Thiếu tên thủ tục.")))
        if p.get("field") not in field_codes:
            errors.append(
                (
                    line,
                    _("Lĩnh vực “%(field)s” chưa có trong danh mục.")
                    % {"field": p.get("field")},
                )
            )
        agencies = p.get("agencies") or []
        if not agencies:
            errors.append((line, _("Cần ít nhất một cơ quan thực hiện.")))
        for a in agencies:
            if a not in agency_codes:
                errors.append((line, _("Không có cơ quan mã “%(a)s”.") % {"a": a}))
        days = p.get("processing_days")
        if (
            not (isinstance(days, int) or (isinstance(days, str) and days.isdigit()))
            or int(days) < 1
        ):
            errors.append(
                (
                    line,
                    _("Thời hạn giải quyết “%(days)s” phải là số ngày làm việc ≥ 1.")
                    % {"days": days},
                )
            )
        if p.get("online_level", OnlineLevel.PARTIAL) not in OnlineLevel.values:
            errors.append(
                (
                    line,
                    _("Mức độ trực tuyến “%(level)s” phải là full hoặc partial.")
                    % {"level": p.get("online_level")},
                )
            )
        errors.extend(_validate_sheet(line, p))
        components = p.get("components") or []
        if not isinstance(components, list):
            errors.append((line, _("“components” phải là danh sách.")))
            continue
        for j, c in enumerate(components, start=1):
            where = c.get("line") or f"{line}.components[{j}]"
            errors.extend(_validate_component(where, c, template_dir))
    return errors


def _template_path(template_dir: Path | None, name: Any) -> tuple[Path | None, str]:
    """The template file a component names, or (None, why it is refused)."""
    if not isinstance(name, str) or Path(name).name != name or name.startswith("."):
        return None, _("Tên tệp mẫu “%(name)s” phải là tên tệp, không kèm thư mục.") % {
            "name": name
        }
    if Path(name).suffix.lower().lstrip(".") not in TEMPLATE_FORMATS:
        return None, _("Tệp mẫu “%(name)s” phải là %(formats)s.") % {
            "name": name,
            "formats": ", ".join(TEMPLATE_FORMATS),
        }
    path = template_dir / name if template_dir else None
    if path is None or not path.is_file():
        return None, _(
            "Không tìm thấy tệp mẫu “%(name)s” trong thư mục templates/ "
            "cạnh tệp danh mục."
        ) % {"name": name}
    if path.stat().st_size > TEMPLATE_MAX_BYTES:
        return None, _("Tệp mẫu “%(name)s” lớn hơn %(limit)s MB.") % {
            "name": name,
            "limit": TEMPLATE_MAX_BYTES // 2**20,
        }
    return path, ""


def _validate_component(
    where: str, c: dict, template_dir: Path | None = None
) -> list[tuple[str, str]]:
    errors = []
    if c.get("template"):
        _path, why = _template_path(template_dir, c["template"])
        if why:
            errors.append((where, why))
    if not c.get("name"):
        errors.append((where, _("Thiếu tên thành phần hồ sơ.")))
    if c.get("form", CopyForm.ORIGINAL) not in CopyForm.values:
        errors.append(
            (
                where,
                _("Loại bản “%(form)s” không hợp lệ (%(allowed)s).")
                % {"form": c.get("form"), "allowed": ", ".join(CopyForm.values)},
            )
        )
    count = c.get("count", 1)
    if not str(count).isdigit() or int(count) < 1:
        errors.append(
            (where, _("Số lượng “%(count)s” phải là số nguyên ≥ 1.") % {"count": count})
        )
    formats = c.get("formats", ["pdf"])
    try:
        validate_formats(
            ",".join(formats) if isinstance(formats, list) else str(formats)
        )
    except ValidationError as exc:
        errors.append((where, exc.messages[0]))
    return errors


def procedures_import(
    *,
    actor: AbstractBaseUser | None,
    name: str,
    content: bytes,
    template_dir: Path | None = None,
) -> ImportResult:
    """Import a procedure file; one bad row refuses the whole file, saving nothing.

    A component's `template` names a form file in `template_dir` (the
    ``templates/`` folder beside the file); a component without one keeps the
    template it already has.
    """
    fields, procedures = parse_procedure_file(name=name, content=content)
    errors = _validate(fields, procedures, template_dir)
    if errors:
        raise ProcedureImportError(errors)
    return _save(
        actor=actor, fields=fields, procedures=procedures, template_dir=template_dir
    )


@transaction.atomic
def _save(
    *,
    actor: AbstractBaseUser | None,
    fields: list[dict],
    procedures: list[dict],
    template_dir: Path | None,
) -> ImportResult:
    result = ImportResult()
    for f in fields:
        Field.objects.update_or_create(code=f["code"], defaults={"name": f["name"]})
    agencies = {a.code: a for a in Agency.objects.all()}
    field_by_code = {f.code: f for f in Field.objects.all()}
    for p in procedures:
        desired = _desired_state(p, template_dir)
        procedure = Procedure.objects.filter(code=p["code"]).first()
        before = _state(procedure) if procedure else None
        kept = _keep_templates(procedure, desired)
        if before == desired:
            result.unchanged.append(p["code"])
            continue
        procedure = procedure or Procedure(code=p["code"])
        procedure.name = p["name"]
        procedure.field = field_by_code[p["field"]]
        procedure.processing_days = int(p["processing_days"])
        for key in SHEET_TEXTS:
            setattr(procedure, key, desired[key])
        procedure.steps = "\n".join(desired["steps"])
        _set_flags(procedure, desired)
        procedure.online_level = p.get("online_level") or OnlineLevel.PARTIAL
        # A ClusterableModel keeps its parental relations in memory until save().
        procedure.agencies = [agencies[a] for a in p["agencies"]]
        procedure.components = [
            _component(order, c, p, kept, template_dir)
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


def _set_flags(procedure: Procedure, desired: dict) -> None:
    channels, types = desired["channels"], desired["applicant_types"]
    procedure.channel_counter = SubmissionChannel.COUNTER in channels
    procedure.channel_online = SubmissionChannel.ONLINE in channels
    procedure.channel_post = SubmissionChannel.POST in channels
    procedure.for_citizens = ApplicantType.CITIZEN in types
    procedure.for_organisations = ApplicantType.ORGANISATION in types
    procedure.for_businesses = ApplicantType.BUSINESS in types


def _keep_templates(procedure: Procedure | None, desired: dict) -> dict[str, str]:
    """Stored template of each existing component by name; a desired component
    that names no template keeps that one (so the state compares equal)."""
    kept: dict[str, tuple[str, str]] = {}
    for c in procedure.components.all() if procedure else []:
        if c.template:
            kept.setdefault(c.name, (c.template.name, _sha256(c.template)))
    for c in desired["components"]:
        if c["template"] is None:
            c["template"] = kept.get(c["name"], ("", ""))[1]
    return {name: stored for name, (stored, _) in kept.items()}


def _component(
    order: int, c: dict, p: dict, kept: dict[str, str], template_dir: Path | None
) -> ProcedureComponent:
    fields = {k: v for k, v in c.items() if k != "template"}
    component = ProcedureComponent(sort_order=order, **fields)
    source = (p.get("components") or [])[order].get("template")
    if source and template_dir:
        content = (template_dir / source).read_bytes()
        component.template.save(source, ContentFile(content), save=False)
    elif c["template"]:
        component.template.name = kept[c["name"]]
    return component


def _sha256(file: Any) -> str:
    try:
        with file.open("rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return ""


def _desired_state(p: dict, template_dir: Path | None = None) -> dict:
    return {
        "name": p["name"],
        "field": p["field"],
        "agencies": sorted(p["agencies"]),
        "processing_days": int(p["processing_days"]),
        "fees": p.get("fees", "") or "",
        "online_level": p.get("online_level") or OnlineLevel.PARTIAL,
        "result": p.get("result", "") or "",
        "legal_basis": p.get("legal_basis", "") or "",
        "steps": steps_parse(p.get("steps")),
        "conditions": p.get("conditions", "") or "",
        "processing_time_note": p.get("processing_time_note", "") or "",
        "channels": sorted(p.get("channels") or DEFAULT_CHANNELS),
        "applicant_types": sorted(p.get("applicant_types") or DEFAULT_APPLICANT_TYPES),
        "components": [
            {
                "name": c["name"],
                "template": hashlib.sha256(
                    (template_dir / c["template"]).read_bytes()
                ).hexdigest()
                if c.get("template") and template_dir
                else None,
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
        "steps": procedure.step_list(),
        "conditions": procedure.conditions,
        "processing_time_note": procedure.processing_time_note,
        "channels": sorted(procedure.channels),
        "applicant_types": sorted(procedure.applicant_types),
        "components": [
            {
                "name": c.name,
                "template": _sha256(c.template) if c.template else "",
                "required": c.required,
                "copy_form": c.copy_form,
                "count": c.count,
                "accepted_formats": c.accepted_formats,
            }
            for c in procedure.components.all()
        ],
    }
