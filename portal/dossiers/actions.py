"""The applicant's actions on their dossiers: withdraw, rate, delete a draft.

Each parses the form, calls one service and shows its (Vietnamese) message; a
refused action changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.dossiers.drafts import draft_delete, draft_of_owner
from backoffice.dossiers.ratings import dossier_rate
from backoffice.dossiers.selectors import dossier_of_citizen
from backoffice.dossiers.withdrawal import dossier_withdraw
from portal.accounts.views import citizen_required


def _report(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for error in errors:
        messages.error(request, error)


@citizen_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_of_citizen(user=request.user, code=code)
    if dossier is None:
        raise Http404
    try:
        dossier_withdraw(
            dossier=dossier,
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Đã rút hồ sơ %(code)s.") % {"code": code})
    return redirect("my-dossier", code=code)


@citizen_required
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_of_citizen(user=request.user, code=code)
    if dossier is None:
        raise Http404
    try:
        dossier_rate(
            dossier=dossier,
            actor=request.user,
            score=request.POST.get("score"),
            comment=request.POST.get("comment", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Cảm ơn Ông/Bà đã đánh giá."))
    return redirect("my-dossier", code=code)


@citizen_required
@require_http_methods(["GET", "POST"])
def draft_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes the draft and its uploaded files."""
    draft = draft_of_owner(owner=request.user, pk=pk)
    if draft is None:
        raise Http404
    if request.method == "GET":
        return render(request, "portal/dossiers/draft_delete.html", {"draft": draft})
    try:
        draft_delete(draft=draft, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _report(request, exc)
    else:
        messages.success(
            request,
            _("Đã xóa hồ sơ nháp “%(procedure)s”.")
            % {"procedure": draft.procedure.name},
        )
    return redirect("my-dossiers")
