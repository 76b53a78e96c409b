"""Counter intake writes (Bộ phận tiếp nhận): registration, sheets, paper.

A walk-in dossier is registered with the checklist of the paper handed in; its
QR cover and separator sheets are printed for the scan (scanning reads them);
paper that is not digitised is labelled and its location recorded (Art. 10.3.a).
Every write is atomic and audited.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.services import audit_record
from backoffice.core.text import nfc
from backoffice.dossiers.constants import Channel, ResultDelivery
from backoffice.dossiers.models import Dossier, ReceivedComponent
from backoffice.dossiers.services import Applicant, dossier_submit
from backoffice.procedures.constants import CopyForm
from backoffice.procedures.models import Procedure
from backoffice.scanning.batches import require_reception

MAX_COUNT = 99


@dataclass(frozen=True)
class ChecklistItem:
    """One component handed in at the counter (original/copy and how many)."""

    component_id: int
    copy_form: str
    count: int = 1
    kept_on_paper: bool = False


def _check_checklist(
    *, procedure: Procedure, checklist: Sequence[ChecklistItem]
) -> None:
    components = {c.pk: c for c in procedure.components.all()}
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for item in checklist:
        component = components.get(item.component_id)
        if component is None:
            errors.setdefault("checklist", []).append(
                f"Thành phần #{item.component_id} không thuộc thủ tục {procedure.code}."
            )
            continue
        key = f"component_{component.pk}"
        if item.component_id in seen:
            errors.setdefault(key, []).append(
                f"Thành phần “{component.name}” được khai hai lần."
            )
        seen.add(item.component_id)
        if item.copy_form not in CopyForm.values:
            errors.setdefault(key, []).append(
                f"Loại bản “{item.copy_form}” không hợp lệ."
            )
        if not 1 <= item.count <= MAX_COUNT:
            errors.setdefault(key, []).append(
                f"Số lượng của “{component.name}” phải từ 1 đến {MAX_COUNT}."
            )
    for component in components.values():
        if component.required and component.pk not in seen:
            errors.setdefault(f"component_{component.pk}", []).append(
                f"Chưa nhận thành phần bắt buộc “{component.name}”."
            )
    if errors:
        raise ValidationError(errors)


def counter_dossier_register(
    *,
    actor: AbstractBaseUser,
    agency: Agency,
    procedure: Procedure,
    applicant: Applicant,
    checklist: Sequence[ChecklistItem],
    result_delivery: str = ResultDelivery.DESK,
    notes: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Register a walk-in dossier with the checklist of the paper handed in.

    Side effects (through `dossier_submit`): code, due date, first status event,
    the signed receipt (form 01) queued; here: checklist rows, audit record.
    """
    require_reception(actor, agency)
    _check_checklist(procedure=procedure, checklist=checklist)
    with transaction.atomic():
        dossier = dossier_submit(
            procedure=procedure,
            agency=agency,
            channel=Channel.COUNTER,
            applicant=applicant,
            files={},
            received_by=actor,
            result_delivery=result_delivery,
            notes=notes,
            now=now,
        )
        ReceivedComponent.objects.bulk_create(
            ReceivedComponent(
                dossier=dossier,
                component_id=item.component_id,
                copy_form=item.copy_form,
                count=item.count,
                kept_on_paper=item.kept_on_paper,
            )
            for item in checklist
        )
        audit_record(
            actor=actor,
            action="dossier.counter_checklist",
            obj=dossier,
            after={
                "components": [
                    {
                        "component": item.component_id,
                        "copy_form": item.copy_form,
                        "count": item.count,
                        "kept_on_paper": item.kept_on_paper,
                    }
                    for item in checklist
                ]
            },
            agency=agency,
        )
    return dossier


def dossier_sheets_pdf(*, dossier: Dossier) -> bytes:
    """The cover sheet and one separator per component, in the procedure's order.

    The sheets' layout and QR payload are the scan pipeline's contract
    (backoffice.scanning.sheets); intake only says which dossier they are for.
    """
    from backoffice.scanning.sheets import sheets_pdf

    components = [
        (position, component.name)
        for position, component in enumerate(dossier.procedure.components.all(), 1)
    ]
    return sheets_pdf(
        dossier_code=dossier.code,
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        applicant_name=dossier.applicant_name,
        agency_name=dossier.agency.name,
        components=components,
    )


@transaction.atomic
def received_component_locate(
    *,
    actor: AbstractBaseUser | None,
    item: ReceivedComponent,
    box: str,
    shelf: str,
    note: str = "",
) -> ReceivedComponent:
    """Record where paper that is not digitised is kept (Art. 10.3.a)."""
    dossier = item.dossier
    require_reception(actor, dossier.agency)
    box, shelf, note = (nfc(v).strip() for v in (box, shelf, note))
    if not box and not shelf:
        raise ValidationError(
            {"location": _("Hãy ghi số hộp hoặc kệ nơi lưu bản giấy.")}
        )
    locked = ReceivedComponent.objects.select_for_update().get(pk=item.pk)
    before = {
        "box": locked.location_box,
        "shelf": locked.location_shelf,
        "note": locked.location_note,
        "kept_on_paper": locked.kept_on_paper,
    }
    locked.kept_on_paper = True
    locked.location_box, locked.location_shelf, locked.location_note = box, shelf, note
    locked.located_at = timezone.now()
    locked.located_by = actor if actor is not None and actor.is_authenticated else None
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action="dossier.paper_located",
        obj=dossier,
        before=before,
        after={
            "component": locked.component_id,
            "box": box,
            "shelf": shelf,
            "note": note,
            "kept_on_paper": True,
        },
        agency=dossier.agency,
    )
    return locked
