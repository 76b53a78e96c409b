"""The outgoing desk: draft, approve or return, release (number + sign + send),
publish, print the register.

Staff only (2FA middleware on /backoffice/); reads through the scoped selectors,
each write through one service. Release is asked for here and signed in the
worker (a PKCS#11 token or a large PDF must not hold a request): the page shows
"đang ký" and polls `outgoing_release_status` until the document is released or
approved again with the signer's reason (wrong PIN, token removed).
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from backoffice.core.constants import Permission
from backoffice.core.middleware import accepts_body
from backoffice.core.registers import register_table_pdf, register_table_xlsx
from backoffice.core.selectors import user_permissions
from backoffice.documents.services import PdfUpload
from search import SearchError

from .constants import EDITABLE, DeliveryStatus, FileKind, OutgoingStatus
from .dispatch import delivery_retry
from .files import current_files
from .forms import CommentForm, DraftForm, PaperForm, ReasonForm
from .models import OutgoingDocument
from .publish import outgoing_publish
from .register_book import outgoing_register_table, paper_note
from .release import outgoing_release_request
from .selectors import (
    outgoing_draft_agencies,
    outgoing_for_staff,
    outgoing_history,
    outgoing_lists,
    outgoing_register_agencies,
    outgoing_search_for_staff,
)
from .services import (
    is_leader_of,
    outgoing_approve,
    outgoing_cancel,
    outgoing_draft_create,
    outgoing_draft_update,
    outgoing_paper_override,
    outgoing_return,
    outgoing_submit,
)


def _document(request: HttpRequest, pk: int) -> OutgoingDocument:
    document = outgoing_for_staff(user=request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def _upload(item: Any) -> PdfUpload:
    return PdfUpload(item.name, item.read())


def _errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def outgoing_desk(request: HttpRequest) -> HttpResponse:
    lists = outgoing_lists(user=request.user)
    text = request.GET.get("q", "").strip()
    found, search_error = None, ""
    if text:
        try:
            found = outgoing_search_for_staff(user=request.user, text=text)
        except SearchError as exc:
            found, search_error = [], str(exc)
    return render(
        request,
        "outgoing/desk.html",
        {
            "q": text,
            "found": found,
            "search_error": search_error,
            "lists": [
                ("drafts", _("Dự thảo, bị trả lại"), lists["drafts"]),
                ("submitted", _("Chờ lãnh đạo duyệt"), lists["submitted"]),
                ("approved", _("Chờ phát hành"), lists["approved"]),
                ("released", _("Đã phát hành gần đây"), lists["released"]),
            ],
            "can_draft": outgoing_draft_agencies(user=request.user).exists(),
            "can_register": outgoing_register_agencies(user=request.user).exists(),
        },
    )


@accepts_body("UPLOAD_MAX_DOSSIER_BYTES")
def outgoing_new(request: HttpRequest) -> HttpResponse:
    agencies = outgoing_draft_agencies(user=request.user)
    if not agencies.exists():
        raise PermissionDenied
    initial: dict[str, object] = {"agency": agencies.first()}
    if (answered := request.GET.get("tra-loi", "")).isdigit():
        initial["reply_to"] = int(
            answered
        )  # "Soạn văn bản trả lời" on the incoming page
    form = DraftForm(agencies=agencies, initial=initial)
    if request.method == "POST":
        form = DraftForm(request.POST, request.FILES, agencies=agencies)
        if form.is_valid():
            try:
                document = outgoing_draft_create(
                    agency=form.cleaned_data["agency"],
                    actor=request.user,
                    data=form.draft_input(),
                    main=_upload(form.cleaned_data["main"]),
                    attachments=[_upload(f) for f in form.cleaned_data["attachments"]],
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("Đã lưu dự thảo văn bản."))
                return redirect("outgoing-detail", pk=document.pk)
    return render(request, "outgoing/draft.html", {"form": form, "document": None})


@accepts_body("UPLOAD_MAX_DOSSIER_BYTES")
def outgoing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    agencies = outgoing_draft_agencies(user=request.user).filter(pk=document.agency_id)
    if not agencies.exists() or document.status not in EDITABLE:
        raise PermissionDenied
    initial = {
        name: getattr(document, name)
        for name in (
            "document_type",
            "is_legal",
            "subject",
            "issuer_symbol",
            "drafting_unit",
            "drafting_unit_symbol",
            "field",
            "urgency",
            "confidentiality",
            "deadline",
            "copies",
            "file_copy_holder",
            "notes",
            "is_public",
            "keep_on_paper",
        )
    }
    recipients = list(document.recipients.all())
    initial.update(
        agency=document.agency,
        recipient_agencies=[r.agency for r in recipients if r.agency_id],
        recipient_emails="\n".join(r.email for r in recipients if r.email),
        paper_recipients="\n".join(r.name for r in recipients if r.channel == "paper"),
        reply_to=document.reply_to_id,
    )
    form = DraftForm(agencies=agencies, files_required=False, initial=initial)
    if request.method == "POST":
        form = DraftForm(
            request.POST, request.FILES, agencies=agencies, files_required=False
        )
        if form.is_valid():
            main = form.cleaned_data["main"]
            try:
                outgoing_draft_update(
                    document=document,
                    actor=request.user,
                    data=form.draft_input(),
                    main=_upload(main) if main else None,
                    attachments=[_upload(f) for f in form.cleaned_data["attachments"]],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("Đã cập nhật dự thảo."))
                return redirect("outgoing-detail", pk=document.pk)
    return render(request, "outgoing/draft.html", {"form": form, "document": document})


def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    allowed = user_permissions(user=request.user, agency=document.agency)
    status = document.status
    versions: dict[int, list[Any]] = {}
    for record in document.files.order_by("-version", "role", "position"):
        versions.setdefault(record.version, []).append(record)
    context = {
        "document": document,
        "versions": sorted(versions.items(), reverse=True),
        "current": current_files(document),
        "history": outgoing_history(document=document),
        "recipients": document.recipients.all(),
        "paper_note": paper_note(document),
        "can_edit": Permission.PROCESS_DOSSIERS in allowed and status in EDITABLE,
        "can_submit": Permission.PROCESS_DOSSIERS in allowed and status in EDITABLE,
        "can_decide": status == OutgoingStatus.SUBMITTED
        and is_leader_of(request.user, document.agency),
        "can_release": Permission.KEEP_REGISTERS in allowed
        and status == OutgoingStatus.APPROVED,
        "signing": status == OutgoingStatus.SIGNING,
        "can_publish": Permission.PUBLISH_DOCUMENTS in allowed
        and status == OutgoingStatus.RELEASED
        and document.is_public,
        "can_keep": Permission.KEEP_REGISTERS in allowed,
        "can_cancel": status not in (OutgoingStatus.CANCELLED, OutgoingStatus.SIGNING)
        and (
            Permission.KEEP_REGISTERS in allowed
            if status == OutgoingStatus.RELEASED
            else Permission.PROCESS_DOSSIERS in allowed
        ),
        "failed": DeliveryStatus.FAILED,
        "comment_form": CommentForm(),
        "reason_form": ReasonForm(),
        "paper_form": PaperForm(
            initial={
                "required": {True: "yes", False: "no"}.get(document.paper_override, ""),
                "reason": document.paper_override_reason,
            }
        ),
    }
    return render(request, "outgoing/detail.html", context)


ACTIONS = {
    "submit": lambda d, u, p: outgoing_submit(
        document=d, actor=u, comment=p.get("comment", "")
    ),
    "approve": lambda d, u, p: outgoing_approve(
        document=d, actor=u, comment=p.get("comment", "")
    ),
    "return": lambda d, u, p: outgoing_return(
        document=d, actor=u, comment=p.get("comment", "")
    ),
    "release": lambda d, u, p: outgoing_release_request(document=d, actor=u),
    "cancel": lambda d, u, p: outgoing_cancel(
        document=d, actor=u, reason=p.get("reason", "")
    ),
    "publish": lambda d, u, p: outgoing_publish(document=d, actor=u),
}
DONE = {
    "submit": gettext_lazy("Đã trình lãnh đạo duyệt."),
    "approve": gettext_lazy("Đã duyệt văn bản."),
    "return": gettext_lazy("Đã trả lại văn bản để sửa."),
    "release": gettext_lazy(
        "Đã gửi yêu cầu cấp số và ký số; trang tự cập nhật khi ký xong."
    ),
    "cancel": gettext_lazy("Đã hủy văn bản."),
    "publish": gettext_lazy("Đã công bố văn bản trên Cổng thông tin."),
    "paper": gettext_lazy("Đã cập nhật yêu cầu gửi bản giấy."),
    "retry": gettext_lazy("Đã xếp lại lượt gửi."),
}


@require_POST
def outgoing_action(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "paper":
            form = PaperForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Dữ liệu không hợp lệ."))
            outgoing_paper_override(
                document=document,
                actor=request.user,
                required=form.value(),
                reason=form.cleaned_data["reason"],
            )
        elif action == "retry":
            delivery = document.recipients.filter(
                pk=request.POST.get("delivery") or 0
            ).first()
            if delivery is None:
                raise Http404
            delivery_retry(delivery=delivery, actor=request.user)
        elif action in ACTIONS:
            ACTIONS[action](document, request.user, request.POST)
        else:
            raise ValidationError(_("Thao tác không hợp lệ."))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    except PermissionDenied as exc:
        messages.error(
            request, str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
        )
    else:
        messages.success(request, str(DONE[action]))
    return redirect("outgoing-detail", pk=document.pk)


@require_GET
def outgoing_release_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Where the release of a document stands, for the page's poll."""
    document = _document(request, pk)
    return JsonResponse(
        {
            "status": document.status,
            "status_label": str(document.get_status_display()),
            "signing": document.status == OutgoingStatus.SIGNING,
            "number_symbol": document.number_symbol,
            "error": document.release_error,
        },
        headers={"Cache-Control": "no-store"},
    )


def outgoing_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    document = _document(request, pk)
    record = document.files.filter(pk=file_id).first()
    if record is None:
        raise Http404
    return FileResponse(
        record.file.open("rb"),
        as_attachment=record.kind != FileKind.SIGNED,
        filename=record.original_name,
        content_type="application/pdf",
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def outgoing_register_view(request: HttpRequest) -> HttpResponse:
    agencies = outgoing_register_agencies(user=request.user)
    if not agencies.exists():
        raise PermissionDenied
    agency = agencies.filter(code=request.GET.get("agency", "")).first() or (
        agencies.first()
    )
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    date_from, date_to = (
        _date(request.GET.get("from", "")),
        _date(request.GET.get("to", "")),
    )
    table = outgoing_register_table(
        agency=agency, year=year, date_from=date_from, date_to=date_to
    )
    kind = request.GET.get("format", "")
    if kind in ("xlsx", "pdf"):
        content = (register_table_xlsx if kind == "xlsx" else register_table_pdf)(table)
        response = HttpResponse(
            content,
            content_type=(
                "application/pdf"
                if kind == "pdf"
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
        )
        response["Content-Disposition"] = (
            f'attachment; filename="so-van-ban-di-{agency.code}-{year}.{kind}"'
        )
        return response
    query = f"agency={agency.code}&year={year}"
    if date_from:
        query += f"&from={date_from.isoformat()}"
    if date_to:
        query += f"&to={date_to.isoformat()}"
    return render(
        request,
        "outgoing/register.html",
        {
            "table": table,
            "agencies": agencies,
            "agency": agency,
            "year": year,
            "date_from": date_from,
            "date_to": date_to,
            "query": query,
        },
    )
