"""Back-office pages of the records capability: the yearly catalogue (printable),
an e-file's page (filing, free documents, closing, archive download) and the
disposal-proposal list. Reads through the scoped selectors, writes through one
service each.
"""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.core.middleware import accepts_body
from backoffice.core.models import Agency

from .constants import ItemKind, PackageStatus
from .contents import efile_contents
from .forms import CloseForm, EntryForm, OpenForm, SearchForm, UploadForm, form_errors
from .models import EFile, EFileItem
from .packages import archive_package_request
from .selectors import (
    catalogue_for_staff,
    disposal_proposals,
    efiles_for_staff,
    filing_candidates,
    records_agencies,
    retention_ends_on,
    retention_periods_of,
)
from .services import (
    catalogue_copy_forward,
    catalogue_entry_create,
    efile_close,
    efile_file,
    efile_open,
    efile_unfile,
    efile_upload,
)


def _agency_and_year(request: HttpRequest) -> tuple[Agency, int]:
    agencies = records_agencies(user=request.user)
    code = request.POST.get("agency") or request.GET.get("agency")
    agency = (agencies.filter(code=code) if code else agencies).order_by("code").first()
    if agency is None:
        raise PermissionDenied
    raw = request.POST.get("year") or request.GET.get("year") or ""
    year = int(raw) if raw.isdigit() and 1945 <= int(raw) <= 2200 else None
    return agency, year or timezone.localdate().year


def _catalogue_post(request: HttpRequest, agency: Agency, year: int) -> str | None:
    """Run the posted catalogue action; the URL to go to, or None to re-render."""
    action = request.POST.get("action")
    if action == "copy_forward":
        result = catalogue_copy_forward(actor=request.user, agency=agency, year=year)
        messages.success(
            request,
            _("Đã sao chép %(created)s đề mục từ năm %(previous)s (%(skipped)s đã có).")
            % {
                "created": len(result.created),
                "previous": year - 1,
                "skipped": result.skipped,
            },
        )
    elif action == "add_entry":
        form = EntryForm(
            request.POST, retention_periods=retention_periods_of(agency=agency)
        )
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        catalogue_entry_create(
            actor=request.user, agency=agency, year=year, **form.cleaned_data
        )
        messages.success(request, _("Đã thêm đề mục vào danh mục hồ sơ."))
    elif action == "open":
        entry = catalogue_for_staff(user=request.user, agency=agency, year=year).filter(
            pk=request.POST.get("entry") or 0
        )
        form = OpenForm(request.POST)
        if not entry.exists() or not form.is_valid():
            raise ValidationError(form_errors(form) or [_("Đề mục không hợp lệ.")])
        efile = efile_open(
            actor=request.user,
            entry=entry.get(),
            title=form.cleaned_data["title"],
            opened_on=form.cleaned_data["opened_on"],
        )
        messages.success(request, _("Đã mở hồ sơ %(code)s.") % {"code": efile.code})
        return reverse("records-efile", args=[efile.pk])
    else:
        raise ValidationError(_("Thao tác không hợp lệ."))
    return f"{reverse('records-catalogue')}?agency={agency.code}&year={year}"


def catalogue_view(request: HttpRequest) -> HttpResponse:
    agency, year = _agency_and_year(request)
    if request.method == "POST":
        try:
            target = _catalogue_post(request, agency, year)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            return redirect(target)
    periods = retention_periods_of(agency=agency)
    return render(
        request,
        "records/catalogue.html",
        {
            "agency": agency,
            "agencies": records_agencies(user=request.user).order_by("code"),
            "year": year,
            "entries": catalogue_for_staff(user=request.user, agency=agency, year=year),
            "entry_form": EntryForm(retention_periods=periods),
            "open_form": OpenForm(),
            "has_periods": periods.exists(),
        },
    )


def _efile(request: HttpRequest, pk: int) -> EFile:
    efile = efiles_for_staff(user=request.user).filter(pk=pk).first()
    if efile is None:
        raise Http404
    return efile


def efile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    efile = _efile(request, pk)
    search = SearchForm(request.GET or None)
    candidates: list[object] = []
    if search.is_valid():
        candidates = filing_candidates(
            efile=efile, kind=search.cleaned_data["kind"], text=search.cleaned_data["q"]
        )
    return render(
        request,
        "records/efile.html",
        {
            "efile": efile,
            "documents": list(efile_contents(efile=efile)),
            "search": search if search.is_bound else SearchForm(),
            "kind": search.cleaned_data["kind"] if search.is_valid() else "",
            "candidates": candidates,
            "upload_form": UploadForm(),
            "close_form": CloseForm(),
            "retention_ends": retention_ends_on(efile),
            "packages": efile.packages.all()[:5],
        },
    )


def _target(efile: EFile, kind: str, target_id: str) -> object:
    from backoffice.dossiers.models import Dossier
    from backoffice.incoming.models import IncomingDocument
    from backoffice.outgoing.models import OutgoingDocument

    model = {
        ItemKind.INCOMING: IncomingDocument,
        ItemKind.OUTGOING: OutgoingDocument,
        ItemKind.DOSSIER: Dossier,
    }.get(kind)
    found = (
        model.objects.filter(pk=target_id).first()
        if model and target_id.isdigit()
        else None
    )
    if found is None:
        raise ValidationError(_("Không tìm thấy văn bản, hồ sơ cần đưa vào."))
    return found


@require_POST
@accepts_body("RECORDS_FREE_DOCUMENT_MAX_BYTES")
def efile_action(request: HttpRequest, pk: int) -> HttpResponse:
    efile = _efile(request, pk)
    action = request.POST.get("action")
    try:
        if action == "file":
            kind = request.POST.get("kind", "")
            target = _target(efile, kind, request.POST.get("target", ""))
            efile_file(actor=request.user, efile=efile, kind=kind, target=target)
            done = _("Đã đưa “%(what)s” vào hồ sơ.") % {"what": target}
        elif action == "unfile":
            item = EFileItem.objects.filter(
                pk=request.POST.get("item") or 0, efile=efile
            ).first()
            if item is None:
                raise ValidationError(_("Không tìm thấy văn bản trong hồ sơ."))
            efile_unfile(actor=request.user, item=item)
            done = _("Đã gỡ văn bản khỏi hồ sơ.")
        elif action == "upload":
            form = UploadForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            upload = form.cleaned_data["file"]
            efile_upload(
                actor=request.user,
                efile=efile,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                name=upload.name,
                content=upload.read(),
                document_date=form.cleaned_data["document_date"],
                author=form.cleaned_data["author"],
            )
            done = _("Đã lưu tài liệu vào hồ sơ.")
        elif action == "archive":
            archive_package_request(actor=request.user, efile=efile)
            done = _("Đang tạo gói lưu trữ; tải lại trang sau ít phút để tải về.")
        elif action == "close":
            form = CloseForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            efile_close(
                actor=request.user,
                efile=efile,
                closed_on=form.cleaned_data["closed_on"],
            )
            done = _("Đã đóng hồ sơ %(code)s.") % {"code": efile.code}
        else:
            raise ValidationError(_("Thao tác không hợp lệ."))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("records-efile", pk=efile.pk)


def efile_archive(request: HttpRequest, pk: int, package_id: int) -> HttpResponse:
    """Download a ready archive package of the file."""
    efile = _efile(request, pk)
    package = efile.packages.filter(pk=package_id, status=PackageStatus.READY).first()
    if package is None or not package.file:
        raise Http404
    return FileResponse(
        package.file.open("rb"),
        as_attachment=True,
        filename=Path(package.file.name).name,
        content_type="application/zip",
    )


def disposal_view(request: HttpRequest) -> HttpResponse:
    if not records_agencies(user=request.user).exists():
        raise PermissionDenied
    rows = [(f, retention_ends_on(f)) for f in disposal_proposals(user=request.user)]
    return render(request, "records/disposal.html", {"rows": rows})
