"""Trình duyệt: the assignee proposes, a leader of the step's agency decides.

The assignee proposes the step's outcome — "forward" for a step that is not the
last, "approve" with result files or "refuse" with a reason at the last one. A
leader approves it or returns it with a comment. Approving the decision signs the
result PDFs and the forms it produces with the agency certificate and moves the
dossier to "done"; the dossier row is locked, so two leaders approving at once
produce exactly one result.
"""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.services import audit_record

from .assignment import step_require_assignee
from .constants import DossierStatus
from .models import Dossier, DossierFile, DossierProposal, DossierStep
from .process import (
    dossier_current_step,
    dossier_steps_close,
    require,
    step_advance,
    step_is_last,
)
from .services import (
    dossier_file_store,
    dossier_transition,
    dossier_uploads_store,
    stored_files_discard,
)
from .signing import signed_with_verdict
from .uploads import CheckedUpload

Outcome = DossierProposal.Outcome


def _locked_step(dossier: Dossier) -> DossierStep:
    Dossier.objects.select_for_update().get(pk=dossier.pk)
    dossier.refresh_from_db()
    step = dossier_current_step(dossier=dossier)
    if step is None or dossier.status != DossierStatus.PROCESSING:
        raise ValidationError(
            {"step": _("Hồ sơ không ở giai đoạn xử lý; không thể thực hiện.")}
        )
    return step


def dossier_propose(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    outcome: str,
    note: str = "",
    files: Sequence[CheckedUpload] = (),
    now: dt.datetime | None = None,
) -> DossierProposal:
    """The assignee submits the step's outcome to the leader (tờ trình).

    Side effects: proposed result files stored (kind "proposed"), audit record.
    """
    moment = now or timezone.now()
    note = note.strip()
    stored: list[str] = []
    try:
        with transaction.atomic():
            step = _locked_step(dossier)
            step_require_assignee(step=step, actor=actor)
            if step.proposals.filter(decision=DossierProposal.Decision.PENDING):
                raise ValidationError(
                    {"outcome": _("Bước này đã có đề xuất đang chờ lãnh đạo duyệt.")}
                )
            last = step_is_last(step=step)
            allowed = (Outcome.APPROVE, Outcome.REFUSE) if last else (Outcome.FORWARD,)
            if outcome not in allowed:
                raise ValidationError(
                    {
                        "outcome": _(
                            "Đề xuất không phù hợp với bước hiện tại; chọn: "
                            "%(choices)s."
                        )
                        % {"choices": ", ".join(str(Outcome(o).label) for o in allowed)}
                    }
                )
            if outcome == Outcome.APPROVE and not files:
                raise ValidationError(
                    {"files": _("Hãy tải lên tệp kết quả giải quyết.")}
                )
            if outcome == Outcome.REFUSE and not note:
                raise ValidationError(
                    {"note": _("Hãy ghi rõ lý do từ chối giải quyết hồ sơ.")}
                )
            proposal = DossierProposal.objects.create(
                step=step,
                outcome=outcome,
                note=note,
                proposed_by=actor,
                proposed_at=moment,
            )
            records = dossier_uploads_store(
                dossier=dossier,
                files={None: list(files)},
                kind=DossierFile.Kind.PROPOSED,
                by=actor,
                stored=stored,
            )
            proposal.files.set(records)
            audit_record(
                actor=actor,
                action="dossier.proposed",
                obj=dossier,
                after={
                    "outcome": outcome,
                    "step": step.position,
                    "files": [r.sha256 for r in records],
                },
                agency=step.agency,
                note=note,
            )
    except BaseException:
        stored_files_discard(stored)
        raise
    return proposal


def _pending(step: DossierStep) -> DossierProposal:
    proposal = step.proposals.filter(decision=DossierProposal.Decision.PENDING).first()
    if proposal is None:
        raise ValidationError(
            {
                "proposal": _(
                    "Không có đề xuất nào đang chờ duyệt; có thể đề xuất đã được xử lý."
                )
            }
        )
    return proposal


def dossier_proposal_return(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    comment: str,
    now: dt.datetime | None = None,
) -> DossierProposal:
    """A leader sends the proposal back to the assignee with a comment. Audited."""
    moment = now or timezone.now()
    comment = comment.strip()
    with transaction.atomic():
        step = _locked_step(dossier)
        require(actor, step.agency, Permission.APPROVE)
        proposal = _pending(step)
        if not comment:
            raise ValidationError({"comment": _("Hãy ghi ý kiến khi trả lại đề xuất.")})
        proposal.decision = DossierProposal.Decision.RETURNED
        proposal.decided_by, proposal.decided_at = actor, moment
        proposal.comment = comment
        proposal.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        audit_record(
            actor=actor,
            action="dossier.proposal_returned",
            obj=dossier,
            after={"step": step.position, "outcome": proposal.outcome},
            agency=step.agency,
            note=comment,
        )
    return proposal


def _issue_results(
    *, dossier: Dossier, step: DossierStep, proposal: DossierProposal, actor
) -> list[DossierFile]:
    """Store the signed results: the proposed files (PDFs signed) for an
    approval, the refusal notice for a refusal, and form 06 for both."""
    from .pdf_forms_processing import control_sheet_pdf, refusal_decision_pdf

    reason = _("Kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code}
    issued: list[DossierFile] = []
    if proposal.outcome == Outcome.APPROVE:
        for record in proposal.files.all():
            with record.file.open("rb") as handle:
                content = handle.read()
            verdict = None
            if record.media_type == "application/pdf":
                content, verdict = signed_with_verdict(
                    content, agency=step.agency, reason=reason
                )
            issued.append(
                dossier_file_store(
                    dossier=dossier,
                    name=record.original_name,
                    content=content,
                    media_type=record.media_type,
                    stored=[],
                    kind=DossierFile.Kind.RESULT,
                    pages=record.pages,
                    uploaded_by=actor,
                    verdict=verdict,
                )
            )
    else:
        content, verdict = signed_with_verdict(
            refusal_decision_pdf(
                dossier=dossier, reason=proposal.note, leader=actor.get_full_name()
            ),
            agency=step.agency,
            reason=reason,
        )
        issued.append(
            dossier_file_store(
                dossier=dossier,
                name=f"tu-choi-giai-quyet-{dossier.code}.pdf",
                content=content,
                media_type="application/pdf",
                stored=[],
                kind=DossierFile.Kind.RESULT,
                pages=1,
                uploaded_by=actor,
                verdict=verdict,
            )
        )
    content, verdict = signed_with_verdict(
        control_sheet_pdf(dossier=dossier),
        agency=step.agency,
        reason=_("Phiếu kiểm soát quá trình giải quyết hồ sơ %(code)s")
        % {"code": dossier.code},
    )
    issued.append(
        dossier_file_store(
            dossier=dossier,
            name=f"mau-06-phieu-kiem-soat-{dossier.code}.pdf",
            content=content,
            media_type="application/pdf",
            stored=[],
            kind=DossierFile.Kind.FORM,
            pages=None,
            uploaded_by=actor,
            verdict=verdict,
        )
    )
    return issued


def dossier_proposal_approve(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    comment: str = "",
    now: dt.datetime | None = None,
) -> DossierProposal:
    """A leader of the step's agency approves the pending proposal.

    "forward" ends the step and starts the next (perhaps in another agency);
    "approve"/"refuse" decide the dossier: signed results are stored, steps
    closed, status "done". Side effects: status event, e-mail, audit record.
    """
    moment = now or timezone.now()
    with transaction.atomic():
        step = _locked_step(dossier)
        require(actor, step.agency, Permission.APPROVE)
        proposal = _pending(step)
        proposal.decision = DossierProposal.Decision.APPROVED
        proposal.decided_by, proposal.decided_at = actor, moment
        proposal.comment = comment.strip()
        proposal.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        audit_record(
            actor=actor,
            action="dossier.proposal_approved",
            obj=dossier,
            after={"step": step.position, "outcome": proposal.outcome},
            agency=step.agency,
            note=proposal.comment,
        )
        if proposal.outcome == Outcome.FORWARD:
            step_advance(step=step, actor=actor, now=moment)
            return proposal
        issued = _issue_results(
            dossier=dossier, step=step, proposal=proposal, actor=actor
        )
        dossier_steps_close(dossier=dossier, now=moment)
        note = (
            _("Từ chối giải quyết. Lý do: %(reason)s") % {"reason": proposal.note}
            if proposal.outcome == Outcome.REFUSE
            else proposal.note
        )
        dossier_transition(
            dossier=dossier, to=DossierStatus.DONE, actor=actor, note=note, now=moment
        )
        audit_record(
            actor=actor,
            action="dossier.result_issued",
            obj=dossier,
            after={
                "files": [
                    {"name": f.original_name, "verdict": f.signature_verdict}
                    for f in issued
                ]
            },
            agency=step.agency,
        )
    return proposal


def dossier_pending_proposal(*, dossier: Dossier) -> DossierProposal | None:
    """The proposal awaiting a leader at the dossier's active step, if any."""
    return (
        DossierProposal.objects.filter(
            step__dossier=dossier,
            step__state=DossierStep.State.ACTIVE,
            decision=DossierProposal.Decision.PENDING,
        )
        .select_related("proposed_by", "step__agency")
        .prefetch_related("files")
        .first()
    )


def dossier_refusal_reason(*, dossier: Dossier) -> str:
    """Why the dossier was refused after processing ("" when it was not)."""
    proposal = (
        DossierProposal.objects.filter(
            step__dossier=dossier,
            outcome=Outcome.REFUSE,
            decision=DossierProposal.Decision.APPROVED,
        )
        .order_by("-decided_at")
        .first()
    )
    return proposal.note if proposal is not None else ""
