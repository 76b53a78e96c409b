"""The clerk's desk (bàn văn thư): receive, register, route, print the register.

Staff only (2FA middleware on /backoffice/), every read through the scoped
selectors, every write through one service.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backoffice.core.constants import Permission
from backoffice.core.middleware import accepts_body
from backoffice.core.personal_data import audit_read
from backoffice.core.registers import register_table_pdf, register_table_xlsx
from backoffice.core.selectors import user_permissions
from search import SearchError

from .constants import IncomingStatus, Via
from .forms import AssignForm, DoneForm, EmlForm, RefuseForm, RegisterForm, UploadForm
from .mail import incoming_mail_receive
from .models import IncomingDocument
from .register_book import incoming_register_table
from .routing import incoming_assign, incoming_done, incoming_start
from .selectors import (
    deadline_colour,
    incoming_desk_agencies,
    incoming_for_staff,
    incoming_history,
    incoming_lists,
    incoming_mails_for_staff,
    incoming_register_agencies,
    incoming_search_for_staff,
)
from .services import incoming_receive, incoming_refuse, incoming_register
from .types import ReceivedFile

TABS = {
    "pending": gettext_lazy("Chờ vào sổ"),
    "to_assign": gettext_lazy("Chờ phân công"),
    "mine": gettext_lazy("Được giao cho tôi"),
    "all": gettext_lazy("Tất cả"),
}


def _document(request: HttpRequest, pk: int) -> IncomingDocument:
    document = incoming_for_staff(user=request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def incoming_desk(request: HttpRequest) -> HttpResponse:
    lists = incoming_lists(user=request.user)
    tab = request.GET.get("tab") or ("pending" if lists["pending"].exists() else "all")
    tab = tab if tab in TABS else "all"
    text = request.GET.get("q", "").strip()
    search_error = ""
    if text:
        try:
            documents = incoming_search_for_staff(user=request.user, text=text)
        except SearchError as exc:
            documents, search_error = [], str(exc)
    else:
        documents = list(lists[tab][:300])
    now = timezone.now()
    rows = [(d, deadline_colour(d, now=now)) for d in documents]
    return render(
        request,
        "incoming/desk.html",
        {
            "rows": rows,
            "tabs": [(key, label, lists[key].count()) for key, label in TABS.items()],
            "tab": tab,
            "q": text,
            "search_error": search_error,
            "can_receive": incoming_desk_agencies(user=request.user).exists(),
            "mail_problems": incoming_mails_for_staff(user=request.user)
            .exclude(problem="")
            .order_by("-received_at")[:10],
        },
    )


def _files(request: HttpRequest, field: str) -> list[ReceivedFile]:
    return [ReceivedFile(f.name, f.read()) for f in request.FILES.getlist(field)]


@accepts_body("INCOMING_MAX_MAIL_BYTES")
def incoming_new(request: HttpRequest) -> HttpResponse:
    agencies = incoming_desk_agencies(user=request.user)
    if not agencies.exists():
        raise PermissionDenied
    upload = UploadForm(agencies=agencies, prefix="upload")
    eml = EmlForm(agencies=agencies, prefix="eml")
    if request.method == "POST" and request.POST.get("kind") == "upload":
        upload = UploadForm(
            request.POST, request.FILES, agencies=agencies, prefix="upload"
        )
        if upload.is_valid():
            data = upload.cleaned_data
            metadata = {
                key: data[key]
                for key in ("issuer_name", "number_symbol", "subject")
                if data[key]
            }
            try:
                document = incoming_receive(
                    agency=data["agency"],
                    main=ReceivedFile(data["main"].name, data["main"].read()),
                    attachments=_files(request, "upload-attachments"),
                    via=Via.UPLOAD,
                    sender=data["sender"] or "",
                    delivered_by=data["delivered_by"],
                    actor=request.user,
                    metadata=metadata,
                )
            except ValidationError as exc:
                for error in exc.messages:
                    upload.add_error(None, error)
            else:
                messages.success(
                    request, _("Đã tiếp nhận văn bản; đang kiểm tra chữ ký số.")
                )
                return redirect("incoming-detail", pk=document.pk)
    elif request.method == "POST" and request.POST.get("kind") == "eml":
        eml = EmlForm(request.POST, request.FILES, agencies=agencies, prefix="eml")
        if eml.is_valid():
            received = 0
            for item in eml.cleaned_data["messages"]:
                try:
                    intake = incoming_mail_receive(
                        agency=eml.cleaned_data["agency"],
                        raw=item.read(),
                        actor=request.user,
                    )
                except ValidationError as exc:
                    for error in exc.messages:
                        messages.error(request, f"{item.name}: {error}")
                    continue
                received += len(intake.documents)
                for problem in intake.problems:
                    messages.warning(request, f"{item.name}: {problem}")
            messages.success(
                request,
                _("Đã tiếp nhận %(count)s văn bản từ thư điện tử.")
                % {"count": received},
            )
            return redirect("incoming-desk")
    return render(request, "incoming/new.html", {"upload": upload, "eml": eml})


def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    audit_read(
        actor=request.user,
        action="incomingdocument.viewed",
        obj=document,
        agency=document.agency,
    )
    allowed = user_permissions(user=request.user, agency=document.agency)
    handles = (
        document.lead_id == request.user.pk
        or document.co_handlers.filter(pk=request.user.pk).exists()
    )
    status = document.status
    context = {
        "document": document,
        "files": document.files.all(),
        "history": incoming_history(document=document),
        "colour": deadline_colour(document),
        "signatures": (document.main_file.signatures if document.main_file else []),
        "can_register": Permission.KEEP_REGISTERS in allowed
        and status == IncomingStatus.RECEIVED,
        "can_assign": Permission.APPROVE in allowed
        and status
        in (
            IncomingStatus.REGISTERED,
            IncomingStatus.ASSIGNED,
            IncomingStatus.PROCESSING,
        ),
        "can_handle": (handles or Permission.APPROVE in allowed)
        and status in (IncomingStatus.ASSIGNED, IncomingStatus.PROCESSING),
    }
    context["register_form"] = RegisterForm.for_document(document)
    context["refuse_form"] = RefuseForm()
    context["assign_form"] = AssignForm(
        document=document,
        initial={
            "lead": document.lead_id,
            "instruction": document.instruction,
            "co_handlers": list(document.co_handlers.values_list("pk", flat=True)),
        },
    )
    context["done_form"] = DoneForm()
    return render(request, "incoming/detail.html", context)


@require_POST
def incoming_action(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    action = request.POST.get("action")
    try:
        if action == "register":
            form = RegisterForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [
                        f"{form.fields[k].label}: {' '.join(v)}"
                        for k, v in form.errors.items()
                    ]
                )
            incoming_register(
                document=document,
                actor=request.user,
                fields=form.register_fields(),
                override_reason=form.cleaned_data["override_reason"],
            )
            done = _("Đã vào sổ văn bản đến.")
        elif action == "refuse":
            incoming_refuse(
                document=document,
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
            done = _("Đã từ chối tiếp nhận; nơi gửi sẽ được thông báo.")
        elif action == "assign":
            form = AssignForm(request.POST, document=document)
            if not form.is_valid():
                raise ValidationError(
                    [
                        f"{form.fields[k].label}: {' '.join(v)}"
                        for k, v in form.errors.items()
                    ]
                )
            incoming_assign(
                document=document,
                actor=request.user,
                lead=form.cleaned_data["lead"],
                co_handlers=list(form.cleaned_data["co_handlers"]),
                instruction=form.cleaned_data["instruction"],
                handling_days=form.cleaned_data["handling_days"],
            )
            done = _("Đã phân công xử lý.")
        elif action == "start":
            incoming_start(document=document, actor=request.user)
            done = _("Đã chuyển sang đang xử lý.")
        elif action == "done":
            incoming_done(
                document=document,
                actor=request.user,
                outcome=request.POST.get("outcome", ""),
            )
            done = _("Đã ghi nhận kết quả xử lý.")
        else:
            raise ValidationError(_("Thao tác không hợp lệ."))
    except PermissionDenied as exc:
        messages.error(
            request, str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("incoming-detail", pk=document.pk)


def incoming_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    """A file of the document, as a download (never rendered in the browser)."""
    document = _document(request, pk)
    record = document.files.filter(pk=file_id).first()
    if record is None or not record.file:
        raise Http404
    audit_read(
        actor=request.user,
        action="incomingfile.opened",
        obj=record,
        agency=document.agency,
    )
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.original_name,
        content_type=record.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _period(request: HttpRequest) -> tuple[int, dt.date | None, dt.date | None, str]:
    error = ""
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else timezone.localdate().year
    if not 1945 <= year <= 2200:
        year, error = timezone.localdate().year, _("Năm không hợp lệ.")
    dates = []
    for key in ("from", "to"):
        try:
            dates.append(
                dt.date.fromisoformat(request.GET[key])
                if request.GET.get(key)
                else None
            )
        except ValueError:
            dates.append(None)
            error = _("Ngày không hợp lệ (cần dạng YYYY-MM-DD).")
    return year, dates[0], dates[1], error


def incoming_register_view(request: HttpRequest) -> HttpResponse:
    """The register (sổ văn bản đến) of a year or a period: printable, exportable."""
    agencies = incoming_register_agencies(user=request.user)
    if not agencies.exists():
        raise PermissionDenied
    code = request.GET.get("agency", "")
    agency = agencies.filter(code=code).first() or agencies.first()
    year, date_from, date_to, error = _period(request)
    if error:
        messages.error(request, error)
    table = incoming_register_table(
        agency=agency, year=year, date_from=date_from, date_to=date_to
    )
    fmt = request.GET.get("format", "")
    if fmt in ("xlsx", "pdf"):
        audit_read(
            actor=request.user,
            action=f"incomingregister.exported_{fmt}",
            obj=agency,
            agency=agency,
        )
        content = (register_table_xlsx if fmt == "xlsx" else register_table_pdf)(table)
        media = {
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pdf": "application/pdf",
        }[fmt]
        response = HttpResponse(content, content_type=media)
        response["Content-Disposition"] = (
            f'attachment; filename="so-van-ban-den-{agency.code}-{year}.{fmt}"'
        )
        return response
    return render(
        request,
        "incoming/register.html",
        {
            "table": table,
            "agencies": agencies,
            "agency": agency,
            "year": year,
            "date_from": date_from,
            "date_to": date_to,
            "query": request.GET.urlencode(),
        },
    )
