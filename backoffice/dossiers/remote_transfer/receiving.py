"""The receiving side of a transfer from another installation: the local
dossier held by the receiving agency, progress reports, and the result that
goes back."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.core.services import audit_record
from backoffice.core.workcalendar import WorkingCalendar
from backoffice.dossiers.codes import dossier_code_next
from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.models import (
    Dossier,
    DossierFile,
    DossierProposal,
    DossierStatusEvent,
    DossierStep,
    StepRole,
)
from backoffice.dossiers.process import step_activate
from backoffice.dossiers.processing_models import DossierRemoteOrigin
from backoffice.dossiers.services import dossier_file_store, dossier_files_check_queue
from backoffice.procedures.models import Procedure

from . import (
    APPLICANT_FIELDS,
    RemoteFile,
    RemoteTransferRefused,
    remote_transfer_channel,
)


def _refused(message: str) -> RemoteTransferRefused:
    return RemoteTransferRefused(message)


def remote_dossier_receive(
    *,
    agency: Agency,
    peer_id: int,
    system: str,
    origin_agency: tuple[str, str],
    document_id: str,
    data: dict[str, Any],
    files: Sequence[RemoteFile],
) -> tuple[Dossier, bool]:
    """A dossier another installation transfers to `agency` for one step: a
    local dossier (its own code) held by the agency with a transfer step of the
    given working days, linked to the origin. Idempotent: a second hand-over of
    a dossier still held here returns it (False). Refused, with nothing kept,
    for a procedure this installation lacks or the agency does not handle, or
    days out of range."""
    origin_code_value = str(data.get("code") or "")[:64]
    procedure_code = str(data.get("procedure_code") or "")
    held = (
        DossierRemoteOrigin.objects.filter(document_id=document_id).first()
        or DossierRemoteOrigin.objects.filter(
            origin_agency_code=origin_agency[0],
            origin_code=origin_code_value,
            returned_at__isnull=True,
        ).first()
    )
    if held is not None:
        return held.dossier, False
    procedure = Procedure.objects.filter(code=procedure_code, is_active=True).first()
    if procedure is None:
        raise _refused(
            _(
                "Hệ thống này không có thủ tục %(code)s; không tiếp nhận hồ sơ "
                "%(dossier)s."
            )
            % {"code": procedure_code or "-", "dossier": origin_code_value}
        )
    if not procedure.agencies.filter(pk=agency.pk).exists():
        raise _refused(
            _("%(agency)s không thực hiện thủ tục %(procedure)s.")
            % {"agency": agency.name, "procedure": procedure.code}
        )
    days = data.get("days")
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise _refused(_("Số ngày làm việc của bước chuyển phải từ 1 đến 365."))
    if not origin_code_value:
        raise _refused(_("Thiếu mã hồ sơ gốc."))
    moment = timezone.now()
    applicant = data.get("applicant") or {}
    note = str(data.get("note") or "")[:2000]
    calendar = WorkingCalendar(agency=agency)
    dossier = Dossier(
        procedure=procedure,
        agency=agency,
        channel=Channel.ONLINE,
        status=DossierStatus.ACCEPTED,
        received_at=calendar.effective_start(moment),
        due_at=calendar.due_at(moment, days),
        notes=_("Hồ sơ liên thông từ %(system)s (%(agency)s), mã hồ sơ gốc %(code)s.")
        % {"system": system, "agency": origin_agency[1], "code": origin_code_value},
        **{
            name: str(applicant.get(name) or "")
            for name in APPLICANT_FIELDS
            if name != "applicant_type" or applicant.get(name)
        },
    )
    try:
        dossier.full_clean(
            exclude=["code", "procedure", "agency", "owner", "received_by"],
            validate_unique=False,
        )
    except ValidationError as exc:
        raise _refused(
            _("Thông tin người nộp không hợp lệ: %(errors)s")
            % {"errors": "; ".join(exc.messages)}
        ) from exc
    components = {c.name: c.pk for c in procedure.components.all()}
    stored: list[str] = []
    try:
        with transaction.atomic():
            dossier.code = dossier_code_next(agency=agency, day=moment.date())
            dossier.save()
            for item in files:
                dossier_file_store(
                    dossier=dossier,
                    name=item.name,
                    content=item.content,
                    media_type=item.media_type,
                    stored=stored,
                    component_id=components.get(item.component),
                    check=False,
                )
            if files:
                dossier_files_check_queue(dossier_id=dossier.pk)
            event_note = _(
                "Tiếp nhận hồ sơ liên thông %(code)s từ %(agency)s (%(system)s) "
                "để xử lý trong %(days)s ngày làm việc. %(note)s"
            ) % {
                "code": origin_code_value,
                "agency": origin_agency[1] or origin_agency[0],
                "system": system,
                "days": days,
                "note": note,
            }
            DossierStatusEvent.objects.create(
                dossier=dossier,
                status=DossierStatus.ACCEPTED,
                at=moment,
                note=event_note,
                due_at=dossier.due_at,
            )
            step = DossierStep.objects.create(
                dossier=dossier,
                position=1,
                name=_("Xử lý hồ sơ liên thông từ %(agency)s")
                % {"agency": origin_agency[1] or origin_agency[0]},
                agency=agency,
                role=StepRole.SPECIALIST,
                days=days,
                kind=DossierStep.Kind.TRANSFER,
                note=note,
            )
            step_activate(step=step, actor=None, now=moment)
            with transaction.atomic():
                origin = DossierRemoteOrigin.objects.create(
                    dossier=dossier,
                    peer_id=peer_id,
                    system=system,
                    origin_agency_code=origin_agency[0],
                    origin_agency_name=origin_agency[1],
                    origin_code=origin_code_value,
                    document_id=document_id,
                    note=note,
                )
            audit_record(
                actor=None,
                action="dossier.remote_received",
                obj=dossier,
                after={
                    "origin": origin_agency[0],
                    "origin_code": origin_code_value,
                    "document_id": document_id,
                    "files": [d.sha256 for d in dossier.files.all()],
                },
                agency=agency,
                note=note,
            )
            channel = remote_transfer_channel()
            if channel is not None:
                channel.progress_send(origin=origin, event="arrived")
                channel.progress_send(
                    origin=origin, event="registered", description=dossier.code
                )
    except IntegrityError:
        from backoffice.dossiers.services import stored_files_discard

        stored_files_discard(stored)
        held = DossierRemoteOrigin.objects.filter(document_id=document_id).first()
        if held is None:
            raise
        return held.dossier, False
    except BaseException:
        from backoffice.dossiers.services import stored_files_discard

        stored_files_discard(stored)
        raise
    return dossier, True


def _open_origin(dossier_id: int) -> DossierRemoteOrigin | None:
    return DossierRemoteOrigin.objects.filter(
        dossier_id=dossier_id, returned_at__isnull=True
    ).first()


def remote_step_assigned(*, step: DossierStep) -> None:
    """A received dossier's step was given to someone: "processing" goes to
    the origin (once)."""
    origin = _open_origin(step.dossier_id)
    channel = remote_transfer_channel()
    if origin is None or channel is None or step.assignee is None:
        return
    channel.progress_send(
        origin=origin,
        event="processing",
        description=step.assignee.get_full_name() or step.assignee.get_username(),
    )


def remote_origin_closing(*, dossier: Dossier) -> None:
    """A received dossier's steps are closing (its leader decided): the result
    goes back to the origin once this transaction commits."""
    origin = _open_origin(dossier.pk)
    channel = remote_transfer_channel()
    if origin is not None and channel is not None:
        channel.result_send(origin_id=origin.pk)


def remote_result(
    *, origin: DossierRemoteOrigin
) -> tuple[dict[str, Any], list[DossierFile]]:
    """What goes back to the origin: the decision on the step (outcome, note,
    who, when) and the signed result files."""
    dossier = origin.dossier
    proposal = (
        DossierProposal.objects.filter(
            step__dossier=dossier, decision=DossierProposal.Decision.APPROVED
        )
        .select_related("decided_by", "proposed_by")
        .order_by("-decided_at", "-pk")
        .first()
    )
    result: dict[str, Any] = {
        "code": dossier.code,
        "origin_code": origin.origin_code,
        "status": dossier.status,
        "outcome": proposal.outcome if proposal else "",
        "note": (proposal.note if proposal else "") or dossier.get_status_display(),
        "decided_by": (
            proposal.decided_by.get_full_name() or proposal.decided_by.get_username()
        )
        if proposal and proposal.decided_by
        else "",
        "proposed_by": (
            proposal.proposed_by.get_full_name() or proposal.proposed_by.get_username()
        )
        if proposal
        else "",
        "decided_at": proposal.decided_at.isoformat()
        if proposal and proposal.decided_at
        else timezone.now().isoformat(),
    }
    files = list(
        dossier.files.filter(
            kind__in=[DossierFile.Kind.RESULT, DossierFile.Kind.FORM]
        ).order_by("uploaded_at", "pk")
    )
    return result, files


def remote_origin_returned(*, origin: DossierRemoteOrigin) -> None:
    """The result of a received dossier has gone back: it is no longer held."""
    DossierRemoteOrigin.objects.filter(pk=origin.pk, returned_at__isnull=True).update(
        returned_at=timezone.now()
    )
