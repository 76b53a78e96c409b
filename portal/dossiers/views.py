"""Citizen dossier pages: my dossiers (and drafts), one dossier, its files, public
lookup. The actions on a dossier (withdraw, rate, pay) are in actions.py and
payments.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.core.personal_data import file_response
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.drafts import drafts_of_owner
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
from backoffice.dossiers.withdrawal import dossier_withdrawable
from backoffice.payments.selectors import (
    fee_open,
    fees_of_dossier,
    payments_paid_of_dossier,
)
from portal.accounts.views import citizen_required
from portal.api.dossiers import lookup_throttled

from .presenting import outcome_context, with_badges

# Labels of the rating scale, read aloud with each radio button.
RATING_CHOICES = [
    (1, gettext_lazy("Rất không hài lòng")),
    (2, gettext_lazy("Không hài lòng")),
    (3, gettext_lazy("Bình thường")),
    (4, gettext_lazy("Hài lòng")),
    (5, gettext_lazy("Rất hài lòng")),
]


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/dossiers/my_dossiers.html",
        {
            "dossiers": with_badges(list(dossiers_of_citizen(user=request.user)[:200])),
            "drafts": drafts_of_owner(owner=request.user)[:50],
        },
    )


@citizen_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_of_citizen(user=request.user, code=code)
    if dossier is None:
        raise Http404
    supplement = open_supplement_request(dossier=dossier)
    rating = getattr(dossier, "rating", None)
    return render(
        request,
        "portal/dossiers/dossier_detail.html",
        {
            **outcome_context(dossier),
            "withdrawable": dossier_withdrawable(dossier=dossier),
            "rating": rating,
            "can_rate": rating is None
            and dossier.status == DossierStatus.RESULT_RETURNED,
            "rating_choices": RATING_CHOICES,
            "fee": fee_open(dossier=dossier),
            "fees": fees_of_dossier(dossier=dossier),
            "paid": payments_paid_of_dossier(dossier=dossier),
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
# The dossiers this browser looked up successfully (their form may be downloaded).
LOOKUP_GRANTED_KEY = "dossier_lookup_granted"


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
    context.update(
        dossier=dossier,
        history=dossier_history(dossier=dossier),
        **outcome_context(dossier, public=True),
    )
    # The office's form of a refusal may be downloaded by whoever looked it up.
    granted = set(request.session.get(LOOKUP_GRANTED_KEY, []))
    request.session[LOOKUP_GRANTED_KEY] = sorted(granted | {dossier.pk})[-20:]
    return render(request, "portal/dossiers/lookup.html", context)


@never_cache
def lookup_form(request: HttpRequest, file_id: int) -> FileResponse:
    """Form 03/05 of a dossier this browser looked up with its code and secret."""
    from backoffice.dossiers.models import Dossier

    granted = request.session.get(LOOKUP_GRANTED_KEY, [])
    for dossier in Dossier.objects.filter(pk__in=granted):
        form = outcome_context(dossier, public=True)["outcome_form"]
        if form is not None and form.pk == file_id:
            return file_response(
                content=form.file.storage.open(form.file.name, "rb"),
                filename=form.original_name,
                content_type=form.media_type,
            )
    raise Http404
