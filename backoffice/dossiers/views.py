"""Back-office dossier screens (staff, 2FA, scoped to the staff member's agencies)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.core.personal_data import audit_read
from search import SearchError

from .constants import DossierStatus
from .handling import (
    dossier_accept,
    dossier_complete,
    dossier_refuse,
    dossier_request_supplement,
    dossier_return_result,
)
from .models import Dossier
from .selectors import dossier_history, dossiers_for_staff, dossiers_search_for_staff
from .uploads import UploadRejected, check_upload, stored_file_response


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
    dossier = _dossier(request, code)
    audit_read(
        actor=request.user, action="dossier.viewed", obj=dossier, agency=dossier.agency
    )
    return render(
        request,
        "dossiers/staff_detail.html",
        {
            "dossier": dossier,
            "history": dossier_history(dossier=dossier),
            "files": dossier.files.select_related("component"),
            "components": dossier.procedure.components.all(),
        },
    )


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
    dossier = _dossier(request, code)
    action = request.POST.get("action")
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
        elif action == "complete":
            checked = [
                check_upload(name=f.name, content=f)
                for f in request.FILES.getlist("result_files")
            ]
            dossier_complete(
                dossier=dossier,
                actor=request.user,
                result_files=checked,
                note=request.POST.get("note", ""),
            )
        elif action == "return":
            dossier_return_result(dossier=dossier, actor=request.user)
        else:
            raise ValidationError(_("Thao tác không hợp lệ."))
    except UploadRejected as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Đã cập nhật hồ sơ."))
    return redirect("staff-dossier", code=dossier.code)
