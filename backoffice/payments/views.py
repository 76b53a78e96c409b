"""Staff action: ask the applicant for the fee (from the staff dossier page)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.dossiers.selectors import dossiers_for_staff

from .services import fee_request_create


@require_POST
def fee_request(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossiers_for_staff(user=request.user).filter(code=code).first()
    if dossier is None:
        raise Http404
    try:
        fee_request_create(
            dossier=dossier,
            actor=request.user,
            amount=request.POST.get("amount", ""),
            note=request.POST.get("note", ""),
        )
    except PermissionDenied as exc:
        return HttpResponse(str(exc), status=403)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Đã gửi yêu cầu nộp phí, lệ phí tới người nộp."))
    return redirect("staff-dossier", code=dossier.code)
