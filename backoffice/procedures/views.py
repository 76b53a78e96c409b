"""Wagtail admin: import the procedure catalogue from a CSV or JSON file."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services import ProcedureImportError, procedures_import

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp CSV hoặc JSON"),
        help_text=gettext_lazy("Tệp có lỗi ở bất kỳ dòng nào sẽ không được nhập."),
    )


def import_procedures_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("procedures.add_procedure"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            errors = [(_("tệp"), _("Tệp lớn hơn 5 MB."))]
        else:
            try:
                result = procedures_import(
                    actor=request.user, name=upload.name, content=upload.read()
                )
            except ProcedureImportError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("Đã thêm %(c)s, cập nhật %(u)s, không đổi %(n)s thủ tục.")
                    % {
                        "c": len(result.created),
                        "u": len(result.updated),
                        "n": len(result.unchanged),
                    },
                )
                return redirect("procedures-import")
    return TemplateResponse(
        request,
        "procedures/import.html",
        {"form": form, "errors": errors, "header_title": _("Nhập danh mục thủ tục")},
    )
