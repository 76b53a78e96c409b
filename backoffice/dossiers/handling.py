"""Staff handling of a dossier: accept, refuse, ask for more, finish, hand back.

Each action checks the actor's permission in the dossier's agency, moves the status
through `dossier_transition` (status event + audit + applicant e-mail) and, where the
forms of Circular 03/2025 require it, stores the form as a PDF in the dossier.
"""

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record
from backoffice.signatures.official import issued_pdf_sign

from .constants import RECEIPT_JOB, DossierStatus
from .models import (
    Dossier,
    DossierFile,
    DossierStatusEvent,
    DossierSupplementRequest,
)
from .receipts import dossier_receipt_queue
from .services import (
    dossier_file_store,
    dossier_transition,
    dossier_uploads_store,
    stored_files_discard,
)
from .uploads import CheckedUpload


def _require(actor: AbstractBaseUser, dossier: Dossier, permission: str) -> None:
    if permission not in user_permissions(user=actor, agency=dossier.agency):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này với hồ sơ.")
        )


def store_form(
    dossier: Dossier, name: str, pdf: bytes, actor: AbstractBaseUser
) -> None:
    # Our own unsigned form: nothing to verify, so no signature check is queued.
    dossier_file_store(
        dossier=dossier,
        name=name,
        content=pdf,
        media_type="application/pdf",
        stored=[],
        kind=DossierFile.Kind.FORM,
        pages=1,
        uploaded_by=actor,
        check=False,
    )


def dossier_accept(
    *, dossier: Dossier, actor: AbstractBaseUser, note: str = ""
) -> Dossier:
    """Accept an online dossier after checking it (status 1 → 2); the transition
    lays out its processing steps and starts the first one."""
    _require(actor, dossier, Permission.RECEIVE_DOSSIERS)
    return dossier_transition(
        dossier=dossier, to=DossierStatus.ACCEPTED, actor=actor, note=note
    )


@transaction.atomic
def dossier_refuse(
    *, dossier: Dossier, actor: AbstractBaseUser, reason: str
) -> Dossier:
    """Refuse to accept (status 3) with a reason; stores form 03."""
    from .pdf_forms import refusal_pdf

    _require(actor, dossier, Permission.RECEIVE_DOSSIERS)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi rõ lý do không tiếp nhận.")})
    dossier = dossier_transition(
        dossier=dossier, to=DossierStatus.NOT_ACCEPTED, actor=actor, note=reason
    )
    store_form(
        dossier,
        f"mau-03-tu-choi-{dossier.code}.pdf",
        issued_pdf_sign(
            pdf_bytes=refusal_pdf(
                dossier=dossier, reason=reason, officer=actor.get_full_name()
            ),
            agency=dossier.agency,
            reason=f"Từ chối tiếp nhận hồ sơ {dossier.code}",
        ),
        actor,
    )
    return dossier


@transaction.atomic
def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    component_ids: Sequence[int],
    reason: str,
) -> Dossier:
    """Ask the applicant for more (status 5; the clock stops); stores form 02.

    At intake (status 1) it is the reception officer's call, later the specialist's.
    """
    from .pdf_forms import supplement_request_pdf

    # The right depends on the stage, so it is read from the locked row, not from a
    # copy the caller may have loaded before someone else moved the dossier on.
    status = (
        Dossier.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=dossier.pk)
    )
    at_intake = status == DossierStatus.NEW
    _require(
        actor,
        dossier,
        Permission.RECEIVE_DOSSIERS if at_intake else Permission.PROCESS_DOSSIERS,
    )
    if not at_intake:
        from .assignment import step_require_assignee
        from .process import dossier_current_step

        # During processing only the step's assignee asks for more (once assigned).
        step = dossier_current_step(dossier=dossier)
        if step is not None and step.assignee_id is not None:
            step_require_assignee(step=step, actor=actor)
    components = list(dossier.procedure.components.filter(pk__in=component_ids))
    reason = reason.strip()
    if not components or not reason:
        raise ValidationError(
            {"reason": _("Chọn ít nhất một thành phần cần bổ sung và ghi rõ lý do.")}
        )
    names = "; ".join(c.name for c in components)
    dossier = dossier_transition(
        dossier=dossier,
        to=DossierStatus.SUPPLEMENT_REQUESTED,
        actor=actor,
        note=f"Cần bổ sung: {names}. Lý do: {reason}",
    )
    event = dossier.events.order_by("-at", "-id").first()
    event_components = [c.pk for c in components]
    # The requested components travel with the event so the citizen's page knows.
    DossierSupplementRequest.objects.create(
        event=event, component_ids=event_components, reason=reason
    )
    store_form(
        dossier,
        f"mau-02-bo-sung-{dossier.code}-{event.pk}.pdf",
        issued_pdf_sign(
            pdf_bytes=supplement_request_pdf(
                dossier=dossier,
                components=[c.name for c in components],
                reason=reason,
                officer=actor.get_full_name(),
            ),
            agency=dossier.agency,
            reason=f"Yêu cầu bổ sung hồ sơ {dossier.code}",
        ),
        actor,
    )
    return dossier


def open_supplement_request(*, dossier: Dossier) -> DossierSupplementRequest | None:
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        return None
    return (
        DossierSupplementRequest.objects.filter(event__dossier=dossier)
        .order_by("-event__at", "-id")
        .first()
    )


@transaction.atomic
def dossier_supplement_submit(
    *,
    dossier: Dossier,
    by: AbstractBaseUser | None,
    files: Mapping[int, Sequence[CheckedUpload]],
) -> Dossier:
    """The applicant sends the requested components; the dossier reopens.

    `by` is the applicant's own account, a reception officer of the dossier's agency
    taking the supplement at the counter, or None for the system itself (as in
    `dossier_transition`: code that received it through a trusted channel).
    """
    if by is not None and not (by.is_authenticated and by.pk == dossier.owner_id):
        _require(by, dossier, Permission.RECEIVE_DOSSIERS)
    request = open_supplement_request(dossier=dossier)
    if request is None:
        raise ValidationError({"files": _("Hồ sơ không ở trạng thái chờ bổ sung.")})
    missing = [cid for cid in request.component_ids if not files.get(cid)]
    if missing:
        raise ValidationError(
            {"files": _("Hãy tải lên đủ các thành phần được yêu cầu.")}
        )
    stored: list[str] = []
    try:
        dossier_uploads_store(
            dossier=dossier,
            files={cid: files[cid] for cid in request.component_ids},
            kind=DossierFile.Kind.SUPPLEMENT,
            by=by,
            stored=stored,
        )
        previous = (
            DossierStatusEvent.objects.filter(dossier=dossier)
            .exclude(status=DossierStatus.SUPPLEMENT_REQUESTED)
            .order_by("-at", "-id")
            .first()
        )
        back_to = previous.status if previous else DossierStatus.NEW
        return dossier_transition(
            dossier=dossier, to=back_to, actor=by, note="Công dân đã nộp bổ sung."
        )
    except BaseException:
        stored_files_discard(stored)
        raise


def _result_signed(dossier: Dossier, upload: CheckedUpload) -> CheckedUpload:
    """A result PDF carries the agency's signature, as forms 01-03 do."""
    if upload.media_type != "application/pdf":
        return upload
    signed = issued_pdf_sign(
        pdf_bytes=upload.content,
        agency=dossier.agency,
        reason=f"Kết quả giải quyết hồ sơ {dossier.code}",
    )
    return dataclasses.replace(
        upload,
        content=signed,
        size=len(signed),
        sha256=hashlib.sha256(signed).hexdigest(),
    )


@transaction.atomic
def dossier_complete(
    *,
    dossier: Dossier,
    actor: AbstractBaseUser,
    result_files: Sequence[CheckedUpload],
    note: str = "",
) -> Dossier:
    """Record the result (status 9) with its files, without a leader's approval.

    For scripts and the system (demo data, imports); the staff pages offer the
    proposal → approval path (approval.py) instead. Open steps are closed.
    """
    from django.utils import timezone

    from .process import dossier_steps_close

    _require(actor, dossier, Permission.PROCESS_DOSSIERS)
    if not result_files:
        raise ValidationError({"files": _("Hãy tải lên tệp kết quả giải quyết.")})
    if dossier.status == DossierStatus.ACCEPTED:
        dossier = dossier_transition(
            dossier=dossier, to=DossierStatus.PROCESSING, actor=actor
        )
    dossier_uploads_store(
        dossier=dossier,
        files={None: [_result_signed(dossier, upload) for upload in result_files]},
        kind=DossierFile.Kind.RESULT,
        by=actor,
        stored=[],
    )
    dossier_steps_close(dossier=dossier, now=timezone.now())
    return dossier_transition(
        dossier=dossier, to=DossierStatus.DONE, actor=actor, note=note
    )


def dossier_return_result(*, dossier: Dossier, actor: AbstractBaseUser) -> Dossier:
    """The result was handed back (status 10)."""
    _require(actor, dossier, Permission.RECEIVE_DOSSIERS)
    return dossier_transition(
        dossier=dossier, to=DossierStatus.RESULT_RETURNED, actor=actor
    )


def dossier_receipt_retry(*, dossier: Dossier, actor: AbstractBaseUser) -> None:
    """Queue form 01 again after its job failed (or its worker died). Audited."""
    from backoffice.core.leases import lease_expired

    _require(actor, dossier, Permission.RECEIVE_DOSSIERS)
    if dossier.files.filter(kind=DossierFile.Kind.RECEIPT).exists():
        raise ValidationError(
            {"receipt": _("Giấy tiếp nhận đã có; không cần tạo lại.")}
        )
    if not lease_expired(kind=RECEIPT_JOB, object_id=dossier.pk):
        raise ValidationError(
            {"receipt": _("Giấy tiếp nhận đang được tạo; hãy chờ trong giây lát.")}
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="dossier.receipt_retried",
            obj=dossier,
            agency=dossier.agency,
        )
        dossier_receipt_queue(dossier_id=dossier.pk)
