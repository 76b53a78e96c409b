"""Citizen dossier pages: my dossiers, one dossier, its files, public lookup."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.core.personal_data import file_response
from backoffice.dossiers.handling import (
    dossier_supplement_submit,
    open_supplement_request,
)
from backoffice.dossiers.selectors import (
    dossier_history,
    dossier_of_citizen,
    dossier_public_lookup,
    dossiers_of_citizen,
)
from backoffice.dossiers.uploads import UploadRejected, check_upload
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
    supplement = open_supplement_request(dossier=dossier)
    return render(
        request,
        "portal/dossiers/dossier_detail.html",
        {
            "dossier": dossier,
            "history": dossier_history(dossier=dossier),
            "files": dossier.files.select_related("component"),
            "supplement": supplement,
            "supplement_components": (
                dossier.procedure.components.filter(pk__in=supplement.component_ids)
                if supplement
                else []
            ),
        },
    )


@citizen_required
@require_POST
def my_dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen uploads the components the office asked for."""
    dossier = dossier_of_citizen(user=request.user, code=code)
    if dossier is None:
        raise Http404
    supplement = open_supplement_request(dossier=dossier)
    if supplement is None:
        messages.error(request, _("Hồ sơ không ở trạng thái chờ bổ sung."))
        return redirect("my-dossier", code=code)
    files = {}
    try:
        for component in dossier.procedure.components.filter(
            pk__in=supplement.component_ids
        ):
            files[component.pk] = [
                check_upload(name=f.name, content=f, allowed_formats=component.formats)
                for f in request.FILES.getlist(f"component_{component.pk}")
            ]
        dossier_supplement_submit(dossier=dossier, by=request.user, files=files)
    except UploadRejected as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Đã nộp bổ sung. Hồ sơ tiếp tục được xử lý."))
    return redirect("my-dossier", code=code)


@citizen_required
def my_dossier_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    dossier = dossier_of_citizen(user=request.user, code=code)
    record = dossier.files.filter(pk=file_id).first() if dossier else None
    if record is None:
        raise Http404
    # The citizen's own file: a download, never audited as a staff read.
    return file_response(
        content=record.file.storage.open(record.file.name, "rb"),
        filename=record.original_name,
        content_type=record.media_type,
    )


# The code and secret of a receipt link, kept in the session between the link and
# the clean page it redirects to.
LOOKUP_SESSION_KEY = "dossier_lookup"


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Public status lookup by code + receipt secret, no login, throttled.

    The form posts the secret, so it never appears in an address. A receipt link
    (`?code=…&secret=…`, printed as a QR code) is answered with a redirect to the
    bare page after keeping the pair in the session: the secret leaves the address
    bar, the browser history and the access log of every later request.
    """
    if request.method == "GET" and "secret" in request.GET:
        request.session[LOOKUP_SESSION_KEY] = {
            "code": request.GET.get("code", "").strip()[:64],
            "secret": request.GET.get("secret", "").strip()[:16],
        }
        return redirect("dossier-lookup")
    if request.method == "POST":
        code = request.POST.get("code", "").strip()[:64]
        secret = request.POST.get("secret", "").strip()[:16]
    else:
        pending = request.session.pop(LOOKUP_SESSION_KEY, None) or {}
        code = str(pending.get("code") or request.GET.get("code", "")).strip()[:64]
        secret = str(pending.get("secret", "")).strip()[:16]
    context: dict = {"code": code}
    if not secret:
        return render(request, "portal/dossiers/lookup.html", context)
    if lookup_throttled(request):
        context["error"] = _("Tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.")
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
