"""Processing screens: the work queue, form 06, and the processing actions the
dossier page posts (each parses its input and calls one service)."""

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from backoffice.core.models import Agency
from backoffice.procedures.models import Procedure
from search import SearchError

from .approval import dossier_proposal_approve, dossier_proposal_return, dossier_propose
from .assignment import dossier_assign, dossier_assign_by_rule
from .constants import DossierStatus
from .deadlines import dossier_suspend
from .models import Dossier
from .queues import DUE_LABELS, QueueFilter, due_state, staff_queues, step_rows
from .selectors import dossiers_for_staff, dossiers_search_for_staff
from .stopping import dossier_stop
from .transfer import dossier_transfer
from .uploads import check_upload


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def staff_queue(request: HttpRequest) -> HttpResponse:
    """Việc của tôi: the user's queues, filterable by status and procedure and
    searchable with the staff search."""
    status = _int(request.GET.get("status"))
    if status not in DossierStatus.values:
        status = None
    procedure_id = _int(request.GET.get("procedure"))
    text = request.GET.get("q", "").strip()
    filters = QueueFilter(status=status, procedure_id=procedure_id)
    search_error = ""
    if text:
        try:
            found = dossiers_search_for_staff(user=request.user, text=text)
            filters.dossier_ids = [d.pk for d in found]
        except SearchError as exc:
            filters.dossier_ids, search_error = [], str(exc)
    queues = staff_queues(user=request.user, filters=filters)
    every = [d for q in queues for d in q.dossiers]
    steps = step_rows(dossiers=every)
    for dossier in every:
        dossier.due_state = due_state(dossier=dossier)
        dossier.due_label = DUE_LABELS[dossier.due_state]
        dossier.step_now = steps.get(dossier.pk)
    procedures = Procedure.objects.filter(
        pk__in=dossiers_for_staff(user=request.user).values("procedure_id")
    ).order_by("code")
    return render(
        request,
        "dossiers/staff_queue.html",
        {
            "queues": queues,
            "statuses": DossierStatus.choices,
            "status": status,
            "procedures": procedures,
            "procedure_id": procedure_id,
            "q": text,
            "search_error": search_error,
        },
    )


def control_sheet_response(dossier: Dossier) -> HttpResponse:
    """Form 06 of the dossier as it stands now, to print."""
    from .pdf_forms_processing import control_sheet_pdf

    response = HttpResponse(
        control_sheet_pdf(dossier=dossier), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'inline; filename="mau-06-phieu-kiem-soat-{dossier.code}.pdf"'
    )
    return response


def _user(request: HttpRequest, name: str):
    pk = _int(request.POST.get(name))
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ValidationError(_("Hãy chọn cán bộ được giao."))
    return user


def _assign(request: HttpRequest, dossier: Dossier) -> None:
    dossier_assign(
        dossier=dossier,
        actor=request.user,
        assignee=_user(request, "assignee"),
        reason=request.POST.get("reason", ""),
    )


def _propose(request: HttpRequest, dossier: Dossier) -> None:
    files = [
        check_upload(name=f.name, content=f)
        for f in request.FILES.getlist("result_files")
    ]
    dossier_propose(
        dossier=dossier,
        actor=request.user,
        outcome=request.POST.get("outcome", ""),
        note=request.POST.get("note", ""),
        files=files,
    )


def _transfer(request: HttpRequest, dossier: Dossier) -> None:
    agency = Agency.objects.filter(pk=_int(request.POST.get("agency"))).first()
    if agency is None:
        raise ValidationError(_("Hãy chọn cơ quan nhận hồ sơ."))
    days = _int(request.POST.get("days"))
    if days is None:
        raise ValidationError(_("Số ngày làm việc của bước chuyển phải từ 1 đến 365."))
    dossier_transfer(
        dossier=dossier,
        actor=request.user,
        to_agency=agency,
        days=days,
        note=request.POST.get("note", ""),
    )


def _suspend(request: HttpRequest, dossier: Dossier) -> None:
    try:
        new_date = dt.date.fromisoformat(request.POST.get("new_date", "").strip())
    except ValueError:
        new_date = None
    dossier_suspend(
        dossier=dossier,
        actor=request.user,
        reason=request.POST.get("reason", ""),
        new_date=new_date,
    )


PROCESSING_ACTIONS: dict[str, Callable[[HttpRequest, Dossier], object]] = {
    "assign": _assign,
    "assign_rule": lambda r, d: dossier_assign_by_rule(dossier=d, actor=r.user),
    "propose": _propose,
    "approve": lambda r, d: dossier_proposal_approve(
        dossier=d, actor=r.user, comment=r.POST.get("comment", "")
    ),
    "return_proposal": lambda r, d: dossier_proposal_return(
        dossier=d, actor=r.user, comment=r.POST.get("comment", "")
    ),
    "transfer": _transfer,
    "suspend": _suspend,
    "stop": lambda r, d: dossier_stop(
        dossier=d, actor=r.user, reason=r.POST.get("reason", "")
    ),
}
