"""The origin's side of a transfer to another installation: hand-over,
what the other side reports, and taking the result back."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.services import audit_record
from backoffice.dossiers.models import (
    Dossier,
    DossierFile,
    DossierProposal,
    DossierStatusEvent,
    DossierStep,
)
from backoffice.dossiers.process import step_advance
from backoffice.dossiers.processing_models import DossierRemoteTransfer
from backoffice.dossiers.services import dossier_file_store, dossier_files_check_queue

from . import (
    APPLICANT_FIELDS,
    EVENT_STATES,
    STATE_ORDER,
    TRANSFERRED_KINDS,
    RemoteFile,
    RemoteTransferChannel,
    RemoteTransferRefused,
)


def remote_transfer_start(
    *,
    channel: RemoteTransferChannel,
    step: DossierStep,
    actor: AbstractBaseUser,
    note: str,
) -> DossierRemoteTransfer:
    """Record the hand-over of `step` (a transfer step held by a remote agency)
    and send the dossier through the channel. Call inside the transfer's
    transaction: a refusal raises ValidationError and the caller rolls back."""
    transfer = DossierRemoteTransfer.objects.create(
        dossier=step.dossier,
        step=step,
        system=channel.system_name(step.agency),
        document_id=f"pending:{step.pk}",
        state=DossierRemoteTransfer.State.SENDING,
    )
    # The applicant's files and any earlier results; not the origin's own
    # receipt, forms or drafts awaiting its leader.
    files = list(
        step.dossier.files.filter(kind__in=TRANSFERRED_KINDS).order_by(
            "uploaded_at", "pk"
        )
    )
    try:
        document_id = channel.transfer_send(transfer=transfer, files=files)
    except RemoteTransferRefused as exc:
        raise ValidationError({"agency": str(exc)}) from exc
    transfer.document_id = document_id
    transfer.save(update_fields=["document_id", "updated_at"])
    audit_record(
        actor=actor,
        action="dossier.remote_transfer_sent",
        obj=step.dossier,
        after={
            "agency": step.agency.code,
            "system": transfer.system,
            "document_id": document_id,
            "files": [f.sha256 for f in files],
        },
        agency=step.dossier.agency,
        note=note,
    )
    return transfer


def remote_transfer_payload(*, transfer: DossierRemoteTransfer) -> dict[str, Any]:
    """The dossier's data that travels with the hand-over (files apart)."""
    dossier, step = transfer.dossier, transfer.step
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "received_at": dossier.received_at.isoformat(),
        "due_at": dossier.due_at.isoformat(),
        "applicant": {name: getattr(dossier, name) for name in APPLICANT_FIELDS},
        "days": step.days,
        "note": step.note,
        "step_due_at": step.due_at.isoformat() if step.due_at else "",
    }


def _event(transfer: DossierRemoteTransfer, event: str, description: str) -> None:
    transfer.events = [
        *transfer.events,
        {"event": event, "description": description, "at": timezone.now().isoformat()},
    ]


def _hand_back(
    *, transfer: DossierRemoteTransfer, note: str, moment: dt.datetime
) -> None:
    """End the remote transfer step: the origin's return step starts again."""
    step = DossierStep.objects.get(pk=transfer.step_id)
    step.note = note[:4000]
    step.save(update_fields=["note"])
    if step.state == DossierStep.State.ACTIVE:
        step_advance(step=step, actor=None, now=moment)
    dossier = Dossier.objects.get(pk=transfer.dossier_id)
    DossierStatusEvent.objects.create(
        dossier=dossier,
        status=dossier.status,
        at=moment,
        note=note,
        due_at=dossier.due_at,
    )


def remote_transfer_status(
    *, document_id: str, event: str, description: str = ""
) -> DossierRemoteTransfer | None:
    """What the other installation reports about a dossier sent to it: the
    visible state moves forward; a refusal hands the dossier back to its
    origin with the reason. None when the document is no dossier transfer."""
    moment = timezone.now()
    with transaction.atomic():
        transfer = (
            DossierRemoteTransfer.objects.select_for_update()
            .filter(document_id=document_id)
            .first()
        )
        if transfer is None:
            return None
        _event(transfer, event, description)
        fields = ["events", "updated_at"]
        if event == "refused" and transfer.open:
            transfer.state = DossierRemoteTransfer.State.REFUSED
            transfer.reason = description[:2000]
            fields += ["state", "reason"]
            note = _(
                "%(system)s từ chối tiếp nhận hồ sơ liên thông; hồ sơ trở lại "
                "%(agency)s. Lý do: %(reason)s"
            ) % {
                "system": transfer.system,
                "agency": transfer.dossier.agency.name,
                "reason": description,
            }
            _hand_back(transfer=transfer, note=note, moment=moment)
            audit_record(
                actor=None,
                action="dossier.remote_transfer_refused",
                obj=transfer.dossier,
                after={"document_id": document_id},
                agency=transfer.dossier.agency,
                note=description[:500],
            )
        elif event in EVENT_STATES and transfer.open:
            target = EVENT_STATES[event]
            if STATE_ORDER.index(target) > STATE_ORDER.index(transfer.state):
                transfer.state = target
                fields.append("state")
            if event == "registered" and description:
                transfer.remote_code = description[:64]
                fields.append("remote_code")
        transfer.save(update_fields=fields)
    return transfer


OUTCOME_LABELS = {
    "approve": DossierProposal.Outcome.APPROVE.label,
    "refuse": DossierProposal.Outcome.REFUSE.label,
    "forward": DossierProposal.Outcome.FORWARD.label,
}


def remote_transfer_take_back(
    *,
    document_id: str,
    sender_code: str,
    result: dict[str, Any],
    files: Sequence[RemoteFile],
) -> tuple[DossierRemoteTransfer, bool]:
    """The other installation's result of a transfer step: its files are stored
    with the dossier, the timeline says who did what and when, and the
    origin's return step starts again with its assignee. Idempotent (False
    when already taken back); RemoteTransferRefused for an unknown transfer
    or one that agency does not hold."""
    moment = timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            transfer = (
                DossierRemoteTransfer.objects.select_for_update()
                .select_related("step__agency", "dossier")
                .filter(document_id=document_id)
                .first()
            )
            if transfer is None or transfer.step.agency.code != sender_code:
                raise RemoteTransferRefused(
                    _("Không có hồ sơ liên thông %(id)s đã chuyển cho %(agency)s.")
                    % {"id": document_id, "agency": sender_code}
                )
            if transfer.state == DossierRemoteTransfer.State.RETURNED:
                return transfer, False
            if transfer.state == DossierRemoteTransfer.State.REFUSED:
                raise RemoteTransferRefused(
                    _("Hồ sơ liên thông %(id)s đã bị từ chối và trả lại trước đó.")
                    % {"id": document_id}
                )
            dossier = transfer.dossier
            for item in files:
                dossier_file_store(
                    dossier=dossier,
                    name=item.name,
                    content=item.content,
                    media_type=item.media_type,
                    stored=stored,
                    kind=DossierFile.Kind.RESULT,
                    check=False,
                )
            if files:
                dossier_files_check_queue(dossier_id=dossier.pk)
            outcome = str(result.get("outcome") or "")
            transfer.state = DossierRemoteTransfer.State.RETURNED
            transfer.result_note = str(result.get("note") or "")[:4000]
            transfer.result_by = str(result.get("decided_by") or "")[:200]
            transfer.result_at = _moment(result.get("decided_at")) or moment
            transfer.remote_code = str(result.get("code") or transfer.remote_code)[:64]
            _event(transfer, "returned", transfer.result_note)
            transfer.save()
            note = _(
                "%(agency)s (%(system)s) trả kết quả liên thông: %(outcome)s. "
                "Người duyệt: %(by)s, lúc %(at)s; mã hồ sơ tại đó %(code)s. "
                "%(note)s Tệp: %(files)s."
            ) % {
                "agency": transfer.step.agency.name,
                "system": transfer.system,
                "outcome": OUTCOME_LABELS.get(outcome, outcome or "-"),
                "by": transfer.result_by or "-",
                "at": timezone.localtime(transfer.result_at).strftime("%d/%m/%Y %H:%M"),
                "code": transfer.remote_code or "-",
                "note": transfer.result_note,
                "files": ", ".join(f.name for f in files) or "-",
            }
            _hand_back(transfer=transfer, note=note, moment=moment)
            audit_record(
                actor=None,
                action="dossier.remote_transfer_returned",
                obj=dossier,
                after={
                    "document_id": document_id,
                    "outcome": outcome,
                    "files": [f.name for f in files],
                },
                agency=dossier.agency,
                note=transfer.result_note[:500],
            )
    except BaseException:
        from backoffice.dossiers.services import stored_files_discard

        stored_files_discard(stored)
        raise
    return transfer, True


def _moment(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
