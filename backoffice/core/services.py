"""Writes of the core capability: audit records and agencies."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.forms.models import model_to_dict

from .models import Agency, AuditLogEntry


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe picture of a row's own fields, for before/after in the audit log."""
    data = model_to_dict(obj)
    return {
        key: value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        for key, value in data.items()
    }


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    agency: Agency | None = None,
    note: str = "",
) -> AuditLogEntry:
    """Append one entry to the audit log (who, when, what, object, before/after)."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_repr=str(actor.get_username()) if actor else "system",
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        agency_code=agency.code if agency else "",
        before=before,
        after=after,
        note=note,
    )


@transaction.atomic
def agency_upsert(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    level: str,
    parent: Agency | None = None,
    **fields: Any,
) -> Agency:
    """Create or update an agency by its code; validates the code and the tree."""
    agency = Agency.objects.filter(code=code).first()
    before = snapshot(agency) if agency else None
    if agency is None:
        agency = Agency(code=code)
    agency.name, agency.level, agency.parent = name, level, parent
    for key, value in fields.items():
        setattr(agency, key, value)
    agency.full_clean()
    after = snapshot(agency)
    if before == after:
        return agency
    agency.save()
    audit_record(
        actor=actor,
        action="agency.created" if before is None else "agency.updated",
        obj=agency,
        before=before,
        after=snapshot(agency),
        agency=agency,
    )
    return agency
