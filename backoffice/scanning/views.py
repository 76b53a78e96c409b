"""Scanning screens: upload a scan, follow a batch, the review queue.

Staff only, 2FA (middleware), scoped to the agencies where the user receives
dossiers. Views parse input, call one service or selector, render. The counter
screens around them (register, the dossier's counter page, sheets, paper) are
the intake app's.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backoffice.core.personal_data import audit_read, file_response
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.uploads import stored_file_response

from . import services
from .constants import BatchSource
from .forms import PageRangeForm, ScanUploadForm
from .models import ScanBatch, ScanPage
from .selectors import (
    counter_agencies,
    counter_dossiers,
    review_pages_for_staff,
    scan_batches_for_staff,
)


def require_counter(request: HttpRequest) -> None:
    """PermissionDenied unless the user receives dossiers somewhere."""
    if not counter_agencies(user=request.user).exists():
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận mới dùng được trang này."))


def staff_dossier(request: HttpRequest, code: str) -> Dossier:
    """The dossier with that code among those the user may receive, or 404."""
    dossier = counter_dossiers(user=request.user).filter(code=code).first()
    if dossier is None:
        raise Http404
    return dossier


def _batch(request: HttpRequest, batch_id: int) -> ScanBatch:
    batch = scan_batches_for_staff(user=request.user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch


def errors_show(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    """Each message of a refused action as an error message on the next page."""
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texts:
        messages.error(request, text)


@require_POST
def scan_upload(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Upload a scan, from a dossier's page or (loose) from the counter home."""
    require_counter(request)
    dossier = staff_dossier(request, code) if code else None
    if dossier is not None:
        agency = dossier.agency
        back = reverse("counter-dossier", kwargs={"code": dossier.code})
    else:
        agency = (
            counter_agencies(user=request.user)
            .filter(code=request.POST.get("agency"))
            .first()
        )
        back = reverse("counter-home")
        if agency is None:
            messages.error(request, _("Hãy chọn cơ quan tiếp nhận."))
            return redirect(back)
    form = ScanUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp quét để tải lên."))
        return redirect(back)
    upload = form.cleaned_data["scan"]
    content = upload.read()
    try:
        batch = services.scan_batch_create(
            actor=request.user,
            agency=agency,
            name=upload.name,
            content=content,
            source=BatchSource.UPLOAD,
            dossier=dossier,
        )
    except services.ScanRejected as exc:
        messages.error(request, exc.message)
        return redirect(back)
    except PermissionDenied as exc:
        errors_show(request, exc)
        return redirect(back)
    messages.success(
        request,
        _("Đã nhận tệp quét “%(name)s” (lô #%(id)s); đang xử lý.")
        % {"name": batch.original_name, "id": batch.pk},
    )
    return redirect(f"{back}#lo-{batch.pk}")


def _progress(batch: ScanBatch) -> dict:
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "pages_done": batch.pages_done,
        "pages_total": batch.pages_total,
        "percent": batch.percent,
        "finished": batch.is_finished,
        "error": batch.error,
        "review_pages": (batch.summary or {}).get("review_pages", 0),
    }


@require_GET
def batch_progress(request: HttpRequest, batch_id: int) -> JsonResponse:
    """Small JSON the progress bar polls: pages done / total, status, error."""
    batch = _batch(request, batch_id)
    response = JsonResponse(_progress(batch))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    return render(
        request,
        "scanning/batch.html",
        {
            "batch": batch,
            "pages": batch.pages.select_related("dossier", "component"),
            "files": batch.dossier_files.select_related("dossier", "component"),
        },
    )


@require_POST
def batch_rerun(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    try:
        services.scan_batch_requeue(actor=request.user, batch=batch)
    except (ValidationError, PermissionDenied) as exc:
        errors_show(request, exc)
    else:
        messages.success(
            request, _("Đã xếp lô quét #%(id)s để xử lý lại.") % {"id": batch.pk}
        )
    return redirect("scan-batch", batch_id=batch.pk)


@require_GET
def batch_original(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    """The scan as received, as a download (a PDF with active content, cleaned)."""
    batch = _batch(request, batch_id)
    audit_read(
        actor=request.user,
        action="scan_batch.original_opened",
        obj=batch,
        agency=batch.agency,
    )
    return stored_file_response(
        file=batch.original,
        name=batch.original_name,
        media_type=batch.media_type,
        sha256=batch.sha256,
    )


@require_GET
def page_thumbnail(request: HttpRequest, page_id: int) -> FileResponse:
    page = (
        ScanPage.objects.filter(
            pk=page_id,
            batch_id__in=scan_batches_for_staff(user=request.user).values("id"),
        )
        .exclude(thumbnail="")
        .select_related("batch__agency")
        .first()
    )
    if page is None:
        raise Http404
    audit_read(
        actor=request.user,
        action="scan_page.thumbnail_opened",
        obj=page,
        agency=page.batch.agency,
    )
    extension = "png" if page.thumbnail.name.lower().endswith(".png") else "jpg"
    return file_response(
        content=page.thumbnail.storage.open(page.thumbnail.name, "rb"),
        filename=f"lo-{page.batch_id}-trang-{page.number}.{extension}",
        content_type="image/png" if extension == "png" else "image/jpeg",
        cache_control="private, max-age=300",
    )


def review_queue(request: HttpRequest) -> HttpResponse:
    """Pages the pipeline could not place; assign a range or discard it."""
    require_counter(request)
    form = PageRangeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            _review_decide(request, form)
            return redirect("scan-review")
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {error}" if label else error)
    pages = list(review_pages_for_staff(user=request.user)[:500])
    groups: dict[int, dict] = {}
    for page in pages:
        group = groups.setdefault(page.batch_id, {"batch": page.batch, "pages": []})
        group["pages"].append(page)
    return render(
        request,
        "scanning/review.html",
        {
            "groups": list(groups.values()),
            "count": len(pages),
            "dossiers": counter_dossiers(user=request.user).order_by("-received_at")[
                :50
            ],
        },
    )


def _review_decide(request: HttpRequest, form: PageRangeForm) -> None:
    data = form.cleaned_data
    batch = scan_batches_for_staff(user=request.user).filter(pk=data["batch"]).first()
    if batch is None:
        messages.error(request, _("Không tìm thấy lô quét."))
        return
    try:
        if data["action"] == "discard":
            count = services.scan_pages_discard(
                actor=request.user,
                batch=batch,
                first=data["first"],
                last=data["last"],
                reason=data["reason"],
            )
            messages.success(request, _("Đã loại bỏ %(n)s trang.") % {"n": count})
            return
        dossier = (
            counter_dossiers(user=request.user)
            .filter(code=data["dossier_code"])
            .first()
        )
        if dossier is None:
            messages.error(
                request,
                _("Không tìm thấy hồ sơ “%(code)s” trong các hồ sơ bạn được tiếp nhận.")
                % {"code": data["dossier_code"]},
            )
            return
        components = list(dossier.procedure.components.all())
        if not 1 <= data["position"] <= len(components):
            messages.error(
                request,
                _("Thủ tục %(proc)s chỉ có %(n)s thành phần.")
                % {"proc": dossier.procedure.code, "n": len(components)},
            )
            return
        record = services.scan_pages_assign(
            actor=request.user,
            batch=batch,
            first=data["first"],
            last=data["last"],
            dossier=dossier,
            component=components[data["position"] - 1],
        )
    except (ValidationError, PermissionDenied) as exc:
        errors_show(request, exc)
        return
    messages.success(
        request,
        _("Đã gán trang %(first)s–%(last)s vào hồ sơ %(code)s (%(name)s).")
        % {
            "first": data["first"],
            "last": data["last"],
            "code": dossier.code,
            "name": record.component.name if record.component else "",
        },
    )
