"""Counter screens (Bộ phận tiếp nhận): start page, register, the dossier's
counter page, receipt, QR sheets, paper labels and location.

Staff only, 2FA (middleware), scoped to the agencies where the user receives
dossiers. Views parse input, call one service or selector, render. Scans are
uploaded and reviewed on the scanning app's screens (same URL prefix).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backoffice.core.personal_data import audit_read
from backoffice.dossiers.handling import dossier_receipt_retry
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.selectors import dossier_receipt_state
from backoffice.procedures.constants import CopyForm
from backoffice.scanning.forms import ScanUploadForm
from backoffice.scanning.selectors import (
    counter_agencies,
    counter_procedures,
    counter_recent_dossiers,
    review_pages_for_staff,
    scan_batches_for_staff,
)
from backoffice.scanning.views import errors_show, require_counter, staff_dossier

from . import services
from .forms import CounterRegisterForm, PaperLocationForm
from .labels import PaperItem, paper_label_pdf


@require_GET
def counter_home(request: HttpRequest) -> HttpResponse:
    """Start page: choose agency and procedure, recent dossiers, batches, queue."""
    require_counter(request)
    agencies = list(counter_agencies(user=request.user).order_by("name"))
    agency = next(
        (a for a in agencies if a.code == request.GET.get("agency")),
        agencies[0] if agencies else None,
    )
    return render(
        request,
        "intake/counter_home.html",
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
    require_counter(request)
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
            errors_show(request, exc)
        else:
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s.") % {"code": dossier.code},
            )
            return redirect("counter-dossier", code=dossier.code)
    return render(
        request,
        "intake/register.html",
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
    dossier = staff_dossier(request, code)
    audit_read(
        actor=request.user, action="dossier.viewed", obj=dossier, agency=dossier.agency
    )
    batches = scan_batches_for_staff(user=request.user).filter(dossier=dossier)
    return render(
        request,
        "intake/dossier.html",
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
    dossier = staff_dossier(request, code)
    pdf = services.dossier_sheets_pdf(dossier=dossier)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="to-bia-{dossier.code}.pdf"'
    return response


@require_GET
def paper_label(request: HttpRequest, code: str) -> HttpResponse:
    """Label for the paper kept on paper: procedure code and dossier code."""
    dossier = staff_dossier(request, code)
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
    dossier = staff_dossier(request, code)
    try:
        dossier_receipt_retry(dossier=dossier, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        errors_show(request, exc)
    else:
        messages.success(request, _("Đã gửi lại yêu cầu tạo và ký giấy tiếp nhận."))
    return redirect("counter-dossier", code=dossier.code)


@require_POST
def paper_locate(request: HttpRequest, code: str, component_id: int) -> HttpResponse:
    dossier = staff_dossier(request, code)
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
        errors_show(request, exc)
    else:
        messages.success(request, _("Đã ghi vị trí lưu bản giấy."))
    return redirect("counter-dossier", code=dossier.code)
