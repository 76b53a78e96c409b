"""Citizen dossier pages: my dossiers, one dossier, its files, public lookup."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backoffice.dossiers.selectors import (
    dossier_history,
    dossier_of_citizen,
    dossier_public_lookup,
    dossiers_of_citizen,
)
from portal.accounts.views import citizen_required
from portal.api.dossiers import lookup_throttled


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/dossiers/my_dossiers.html",
        {"dossiers": dossiers_of_citizen(user=request.user)[:200]},
    )


@citizen_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_of_citizen(user=request.user, code=code)
    if dossier is None:
        raise Http404
    return render(
        request,
        "portal/dossiers/dossier_detail.html",
        {
            "dossier": dossier,
            "history": dossier_history(dossier=dossier),
            "files": dossier.files.select_related("component"),
        },
    )


@citizen_required
def my_dossier_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    dossier = dossier_of_citizen(user=request.user, code=code)
    record = dossier.files.filter(pk=file_id).first() if dossier else None
    if record is None:
        raise Http404
    return FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.media_type,
    )


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Public status lookup by code + receipt secret, no login, throttled."""
    context: dict = {"code": "", "secret": ""}
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()[:64]
    secret = (request.POST.get("secret") or request.GET.get("secret") or "").strip()[
        :16
    ]
    if code or secret:
        context.update(code=code, secret=secret)
        if lookup_throttled(request):
            context["error"] = _(
                "Tra cứu quá nhiều lần. Vui lòng thử lại sau một phút."
            )
            return render(request, "portal/dossiers/lookup.html", context, status=429)
        dossier = dossier_public_lookup(code=code, secret=secret)
        if dossier is None:
            context["error"] = _(
                "Không tìm thấy hồ sơ. Kiểm tra lại mã hồ sơ và mã tra cứu in trên "
                "giấy tiếp nhận."
            )
            return render(request, "portal/dossiers/lookup.html", context, status=404)
        context.update(dossier=dossier, history=dossier_history(dossier=dossier))
    return render(request, "portal/dossiers/lookup.html", context)
