"""Counter screens (Bộ phận tiếp nhận): register, print sheets, scan, review.

Staff only, 2FA (middleware), scoped to the agencies where the user receives
dossiers. Views parse input, call one service or selector, render.
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
from backoffice.dossiers.handling import dossier_receipt_retry
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.selectors import dossier_receipt_state
from backoffice.dossiers.uploads import (
    stored_file_response,
)
from backoffice.procedures.constants import CopyForm

from . import services
from .constants import BatchSource
from .forms import CounterRegisterForm, PageRangeForm, PaperLocationForm, ScanUploadForm
from .labels import PaperItem, paper_label_pdf
from .models import ScanBatch, ScanPage
from .selectors import (
    counter_agencies,
    counter_dossiers,
    counter_procedures,
    counter_recent_dossiers,
    review_pages_for_staff,
    scan_batches_for_staff,
)


def _require_counter(request: HttpRequest) -> None:
    if not counter_agencies(user=request.user).exists():
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận mới dùng được trang này."))


def _dossier(request: HttpRequest, code: str) -> Dossier:
    dossier = counter_dossiers(user=request.user).filter(code=code).first()
    if dossier is None:
        raise Http404
    return dossier


def _batch(request: HttpRequest, batch_id: int) -> ScanBatch:
    batch = scan_batches_for_staff(user=request.user).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch


def _errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texts:
        messages.error(request, text)


@require_GET
def counter_home(request: HttpRequest) -> HttpResponse:
    """Start page: choose agency and procedure, recent dossiers, batches, queue."""
    _require_counter(request)
    agencies = list(counter_agencies(user=request.user).order_by("name"))
    agency = next(
        (a for a in agencies if a.code == request.GET.get("agency")),
        agencies[0] if agencies else None,
    )
    return render(
        request,
        "scanning/counter_home.html",
        {
            "agencies": agencies,
            "agency": agency,
            "procedures": counter_procedures(agency=agency) if agency else [],
            "dossiers": counter_recent_dossiers(user=request.user)[:20],
            "batches": scan_batches_for_staff(user=request.user)[:20],
            "review_count": review_pages_for_staff(user=request.user).count(),
            "upload_form": ScanUploadForm(),
        },
    )


def counter_register(request: HttpRequest) -> HttpResponse:
    """Registration form for one procedure at one agency (mẫu tiếp nhận tại quầy)."""
    _require_counter(request)
    params = request.POST if request.method == "POST" else request.GET
    agency = (
        counter_agencies(user=request.user).filter(code=params.get("agency")).first()
    )
    if agency is None:
        messages.error(request, _("Hãy chọn cơ quan tiếp nhận."))
        return redirect("counter-home")
    procedure = (
        counter_procedures(agency=agency).filter(code=params.get("procedure")).first()
    )
    if procedure is None:
        messages.error(
            request, _("Thủ tục không tồn tại hoặc cơ quan này không tiếp nhận.")
        )
        return redirect(f"{reverse('counter-home')}?agency={agency.code}")
    form = CounterRegisterForm(
        request.POST if request.method == "POST" else None, procedure=procedure
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.counter_dossier_register(
                actor=request.user,
                agency=agency,
                procedure=procedure,
                applicant=form.applicant(),
                checklist=form.checklist(),
                result_delivery=form.cleaned_data["result_delivery"],
                notes=form.cleaned_data["notes"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code},
            )
            return redirect("counter-dossier", code=dossier.code)
    return render(
        request,
        "scanning/register.html",
        {"form": form, "agency": agency, "procedure": procedure},
    )


def _component_rows(dossier: Dossier) -> list[dict]:
    received = {r.component_id: r for r in dossier.received_components.all()}
    files: dict[int | None, list[DossierFile]] = {}
    for record in dossier.files.filter(kind=DossierFile.Kind.SUBMITTED).order_by(
        "uploaded_at", "id"
    ):
        files.setdefault(record.component_id, []).append(record)
    return [
        {
            "position": position,
            "component": component,
            "received": received.get(component.pk),
            "files": files.get(component.pk, []),
        }
        for position, component in enumerate(dossier.procedure.components.all(), 1)
    ]


@require_GET
def counter_dossier(request: HttpRequest, code: str) -> HttpResponse:
    """One counter dossier: receipt, sheets, scans with progress, components."""
    dossier = _dossier(request, code)
    audit_read(
        actor=request.user, action="dossier.viewed", obj=dossier, agency=dossier.agency
    )
    batches = scan_batches_for_staff(user=request.user).filter(dossier=dossier)
    return render(
        request,
        "scanning/dossier.html",
        {
            "dossier": dossier,
            "receipt": dossier.files.filter(kind=DossierFile.Kind.RECEIPT).first(),
            "receipt_state": dossier_receipt_state(dossier=dossier),
            "rows": _component_rows(dossier),
            "batches": batches[:10],
            "upload_form": ScanUploadForm(),
            "has_paper": dossier.received_components.filter(
                kept_on_paper=True
            ).exists(),
        },
    )


@require_GET
def counter_sheets(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier(request, code)
    pdf = services.dossier_sheets_pdf(dossier=dossier)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="to-bia-{dossier.code}.pdf"'
    return response


@require_GET
def paper_label(request: HttpRequest, code: str) -> HttpResponse:
    """Label for the paper kept on paper: procedure code and dossier code."""
    dossier = _dossier(request, code)
    copy_forms = dict(CopyForm.choices)
    items = [
        PaperItem(
            name=item.component.name,
            copy_form=str(copy_forms.get(item.copy_form, item.copy_form)),
            count=item.count,
            location=item.location,
        )
        for item in dossier.received_components.select_related("component").filter(
            kept_on_paper=True
        )
    ]
    pdf = paper_label_pdf(
        dossier_code=dossier.code,
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        agency_name=dossier.agency.name,
        applicant_name=dossier.applicant_name,
        items=items,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="nhan-{dossier.code}.pdf"'
    return response


@require_POST
def receipt_retry(request: HttpRequest, code: str) -> HttpResponse:
    """Queue form 01 again after its signing job failed."""
    dossier = _dossier(request, code)
    try:
        dossier_receipt_retry(dossier=dossier, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã gửi lại yêu cầu tạo và ký giấy tiếp nhận."))
    return redirect("counter-dossier", code=dossier.code)


@require_POST
def paper_locate(request: HttpRequest, code: str, component_id: int) -> HttpResponse:
    dossier = _dossier(request, code)
    item = dossier.received_components.filter(component_id=component_id).first()
    if item is None:
        messages.error(request, _("Thành phần này chưa được ghi nhận khi tiếp nhận."))
        return redirect("counter-dossier", code=dossier.code)
    form = PaperLocationForm(request.POST, prefix=f"loc{component_id}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("counter-dossier", code=dossier.code)
    try:
        services.received_component_locate(
            actor=request.user,
            item=item,
            box=form.cleaned_data["box"],
            shelf=form.cleaned_data["shelf"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã ghi vị trí lưu bản giấy."))
    return redirect("counter-dossier", code=dossier.code)


@require_POST
def scan_upload(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Upload a scan, from a dossier's page or (loose) from the counter home."""
    _require_counter(request)
    dossier = _dossier(request, code) if code else None
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
        _errors(request, exc)
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
        _errors(request, exc)
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
    _require_counter(request)
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
        _errors(request, exc)
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
