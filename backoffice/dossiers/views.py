"""Back-office dossier screens (staff, 2FA, scoped to the staff member's agencies)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.core.personal_data import audit_read
from search import SearchError

from .actions import ALL_ACTIONS, dossier_situation
from .constants import DossierStatus
from .handling import (
    dossier_accept,
    dossier_refuse,
    dossier_request_supplement,
    dossier_return_result,
)
from .models import Dossier
from .selectors import dossier_history, dossiers_for_staff, dossiers_search_for_staff
from .uploads import UploadRejected, stored_file_response
from .views_processing import PROCESSING_ACTIONS, control_sheet_response


def _dossier(request: HttpRequest, code: str) -> Dossier:
    dossier = dossiers_for_staff(user=request.user).filter(code=code).first()
    if dossier is None:
        raise Http404
    return dossier


def dossier_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status_value = (
        int(status)
        if status.isdigit() and int(status) in DossierStatus.values
        else None
    )
    text = request.GET.get("q", "").strip()
    search_error = ""
    if text:
        try:
            dossiers = dossiers_search_for_staff(user=request.user, text=text)
        except SearchError as exc:
            dossiers, search_error = [], str(exc)
        if status_value is not None:
            dossiers = [d for d in dossiers if d.status == status_value]
    else:
        dossiers = dossiers_for_staff(user=request.user, status=status_value)[:300]
    return render(
        request,
        "dossiers/staff_list.html",
        {
            "dossiers": dossiers,
            "statuses": DossierStatus.choices,
            "status": status_value,
            "q": text,
            "search_error": search_error,
        },
    )


def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    from .assignment import step_candidates
    from .process import dossier_agency_now
    from .transfer import transfer_targets

    dossier = _dossier(request, code)
    audit_read(
        actor=request.user, action="dossier.viewed", obj=dossier, agency=dossier.agency
    )
    situation = dossier_situation(dossier=dossier, user=request.user)
    step = situation.step
    return render(
        request,
        "dossiers/staff_detail.html",
        {
            "dossier": dossier,
            "history": dossier_history(dossier=dossier),
            "files": dossier.files.select_related("component"),
            "components": dossier.procedure.components.all(),
            "actions": situation.actions,
            "step": step,
            "proposal": situation.proposal,
            "is_last_step": situation.is_last_step,
            "steps": dossier.steps.select_related("agency", "assignee"),
            "agency_now": dossier_agency_now(dossier=dossier),
            "candidates": step_candidates(step=step) if step else [],
            "transfer_targets": (
                transfer_targets(dossier=dossier, holder=step.agency) if step else []
            ),
        },
    )


def dossier_control_sheet(request: HttpRequest, code: str) -> HttpResponse:
    """Form 06 (phiếu kiểm soát quá trình giải quyết hồ sơ), to print."""
    dossier = _dossier(request, code)
    audit_read(
        actor=request.user,
        action="dossier.control_sheet_printed",
        obj=dossier,
        agency=dossier.agency,
    )
    return control_sheet_response(dossier)


def dossier_file(request: HttpRequest, code: str, file_id: int) -> HttpResponseBase:
    """A dossier file for staff: PDFs inline in the sandbox, the rest as downloads."""
    dossier = _dossier(request, code)
    record = dossier.files.filter(pk=file_id).first()
    if record is None:
        raise Http404
    audit_read(
        actor=request.user,
        action="dossier_file.opened",
        obj=record,
        agency=dossier.agency,
    )
    return stored_file_response(
        file=record.file,
        name=record.original_name,
        media_type=record.media_type,
        sha256=record.sha256,
        inline=True,
    )


@require_POST
def dossier_action(request: HttpRequest, code: str) -> HttpResponse:
    """Run one staff action. An action the page would not offer this user now
    (actions.dossier_situation) is refused with 403 before it runs."""
    dossier = _dossier(request, code)
    action = request.POST.get("action", "")
    if action not in ALL_ACTIONS:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("staff-dossier", code=dossier.code)
    if action not in dossier_situation(dossier=dossier, user=request.user).actions:
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này với hồ sơ.")
        )
    try:
        if action == "accept":
            dossier_accept(dossier=dossier, actor=request.user)
        elif action == "refuse":
            dossier_refuse(
                dossier=dossier,
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
        elif action == "supplement":
            dossier_request_supplement(
                dossier=dossier,
                actor=request.user,
                component_ids=[
                    int(i) for i in request.POST.getlist("components") if i.isdigit()
                ],
                reason=request.POST.get("reason", ""),
            )
        elif action == "return":
            dossier_return_result(dossier=dossier, actor=request.user)
        else:
            PROCESSING_ACTIONS[action](request, dossier)
    except UploadRejected as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Đã cập nhật hồ sơ."))
    return redirect("staff-dossier", code=dossier.code)
