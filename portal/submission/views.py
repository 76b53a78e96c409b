"""The online submission wizard: fill in and upload → review → submit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backoffice.dossiers.drafts import (
    draft_for,
    draft_save,
    draft_submit_by_procedure,
    draft_submitted_dossier,
)
from backoffice.dossiers.models import DraftFile, SubmissionDraft
from backoffice.dossiers.uploads import CheckedUpload, UploadRejected, check_upload
from backoffice.procedures.models import Procedure
from backoffice.procedures.selectors import procedure_get
from portal.accounts.views import citizen_required

from .forms import SubmissionForm


def _procedure(code: str) -> Procedure:
    procedure = procedure_get(code=code)
    if procedure is None:
        raise Http404
    return procedure


def _check_files(
    form: SubmissionForm, draft: SubmissionDraft, removed: set[int]
) -> dict[int, list[CheckedUpload]]:
    """Check every new upload; a refused file gets its message on its field."""
    accepted: dict[int, list[CheckedUpload]] = {}
    for component, field in form.component_fields():
        for upload in form.cleaned_data.get(field.name) or []:
            try:
                checked = check_upload(
                    name=upload.name, content=upload, allowed_formats=component.formats
                )
            except UploadRejected as exc:
                form.add_error(field.name, exc.message)
                continue
            accepted.setdefault(component.pk, []).append(checked)
    return accepted


def _missing_required(
    form: SubmissionForm,
    draft: SubmissionDraft,
    new: dict[int, list[CheckedUpload]],
    removed: set[int],
) -> None:
    have = {f.component_id for f in draft.files.all() if f.pk not in removed} | set(new)
    for component, field in form.component_fields():
        # A refused upload already says what is wrong with this component.
        if component.required and component.pk not in have and not field.errors:
            form.add_error(field.name, _("Thành phần bắt buộc: hãy tải tệp lên."))
    if not form.cleaned_data.get("declaration"):
        form.add_error("declaration", _("Hãy xác nhận lời cam đoan trước khi nộp."))


@citizen_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(code)
    draft = draft_for(owner=request.user, procedure=procedure)
    initial = {"result_delivery": "online", **draft.data}
    if not initial.get("agency") and procedure.agencies.count() == 1:
        initial["agency"] = procedure.agencies.get().code
    form = SubmissionForm(
        request.POST or None,
        request.FILES or None,
        procedure=procedure,
        initial=initial,
    )
    kept: list[str] = []
    if request.method == "POST":
        form.is_valid()  # errors are collected below, with the files' and the rest
        removed = {int(i) for i in request.POST.getlist("remove_file") if i.isdigit()}
        # Every upload is checked even when another field is wrong, so a file that
        # passed is kept in the draft and the citizen does not upload it again.
        new = _check_files(form, draft, removed)
        if request.POST.get("action") == "review":
            _missing_required(form, draft, new, removed)
        if not form.errors:
            draft_save(
                draft=draft,
                data=form.cleaned_data,
                uploads=new,
                remove_file_ids=list(removed),
            )
            if request.POST.get("action") == "review":
                return redirect("submission-review", code=procedure.code)
            messages.success(
                request, _("Đã lưu hồ sơ nháp. Bạn có thể quay lại nộp sau.")
            )
            return redirect("submission-fill", code=procedure.code)
        if new:
            # Only the checked files are added; the draft's saved answers stay as
            # they were until the form is valid.
            draft_save(draft=draft, data=draft.data, uploads=new)
            kept = [upload.name for uploads in new.values() for upload in uploads]
    files = list(DraftFile.objects.filter(draft=draft).order_by("pk"))
    return render(
        request,
        "portal/submission/fill.html",
        {
            "procedure": procedure,
            "form": form,
            "draft": draft,
            "files": files,
            "kept": kept,
            "errors": _error_summary(form),
            "steps": _steps(1),
        },
    )


def _error_summary(form: SubmissionForm) -> list[dict[str, str]]:
    """One entry per message in the page's order, linked to its control (`#id_…`)."""
    summary = [
        {"anchor": "", "label": "", "message": str(message)}
        for message in form.non_field_errors()
    ]
    order = [name for name in form.fields if name != "declaration"] + ["declaration"]
    for name in order:
        field = form[name]
        for message in field.errors:
            summary.append(
                {
                    "anchor": field.auto_id or "",
                    "label": str(field.label).rstrip(". "),
                    "message": str(message),
                }
            )
    return summary


def _steps(current: int) -> list[dict[str, object]]:
    labels = [
        _("Khai thông tin và tải giấy tờ"),
        _("Xem lại"),
        _("Nộp và nhận mã hồ sơ"),
    ]
    return [
        {"number": n, "label": label, "current": n == current, "done": n < current}
        for n, label in enumerate(labels, start=1)
    ]


@citizen_required
@require_http_methods(["GET"])
def review(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(code)
    draft = (
        SubmissionDraft.objects.filter(owner=request.user, procedure=procedure)
        .prefetch_related(
            Prefetch("files", DraftFile.objects.select_related("component"))
        )
        .first()
    )
    if draft is None:
        return redirect("submission-fill", code=code)
    agency = next(
        (a for a in procedure.agencies.all() if a.code == draft.data.get("agency")),
        None,
    )
    return render(
        request,
        "portal/submission/review.html",
        {
            "procedure": procedure,
            "draft": draft,
            "agency": agency,
            "steps": _steps(2),
        },
    )


@citizen_required
@require_POST
def submit(request: HttpRequest, code: str) -> HttpResponse:
    # The service locks the draft by its first read (the procedure comes from the
    # catalogue cache): nothing is read here first.
    try:
        dossier = draft_submit_by_procedure(owner=request.user, procedure_code=code)
    except ValidationError as exc:
        for errors in exc.message_dict.values():
            for error in errors:
                messages.error(request, error)
        return redirect("submission-fill", code=code)
    if dossier is None:
        _procedure(code)  # 404 for an unknown or withdrawn procedure
        # A repeated submit (retry, double click) of a draft already submitted.
        done = draft_submitted_dossier(
            owner=request.user, key=request.POST.get("draft_key", "")
        )
        if done is not None:
            return redirect(reverse("my-dossier", kwargs={"code": done.code}))
        return redirect("submission-fill", code=code)
    messages.success(
        request,
        _("Đã nộp hồ sơ. Mã hồ sơ: %(code)s — mã tra cứu: %(secret)s.")
        % {"code": dossier.code, "secret": dossier.lookup_secret},
    )
    return redirect(reverse("my-dossier", kwargs={"code": dossier.code}))
