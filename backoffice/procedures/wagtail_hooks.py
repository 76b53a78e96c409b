from django.urls import path, reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import InlinePanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Field, Procedure
from .views import import_procedures_view


class ProcedureAdminForm(WagtailAdminModelForm):
    """The procedure with its processing steps (quy trình xử lý, an inline owned
    by the dossiers app): the steps' working days must add up to the processing
    time and each step's agency must carry out the procedure."""

    def clean(self) -> dict:
        cleaned = super().clean()
        steps = self.formsets.get("processing_steps")
        if steps is None or any(form.errors for form in steps.forms):
            return cleaned
        rows = [
            form.cleaned_data
            for form in steps.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not rows:
            return cleaned
        total = sum(row.get("days") or 0 for row in rows)
        days = cleaned.get("processing_days")
        if days is not None and total != days:
            self.add_error(
                "processing_days",
                gettext_now(
                    "Tổng số ngày làm việc của các bước (%(total)s) phải bằng thời "
                    "hạn giải quyết của thủ tục (%(days)s ngày làm việc)."
                )
                % {"total": total, "days": days},
            )
        handling = {a.pk for a in cleaned.get("agencies") or []}
        for row in rows:
            agency = row.get("agency")
            if agency is not None and agency.pk not in handling:
                self.add_error(
                    "agencies",
                    gettext_now("%(agency)s không thực hiện thủ tục %(procedure)s.")
                    % {"agency": agency.name, "procedure": cleaned.get("code", "")},
                )
        return cleaned


class ProcedureViewSet(SnippetViewSet):
    model = Procedure
    edit_handler = ObjectList(
        [
            *Procedure.panels,
            InlinePanel(
                "processing_steps",
                heading=_("Quy trình xử lý (các bước, ngày làm việc)"),
                label=_("bước xử lý"),
            ),
        ],
        base_form_class=ProcedureAdminForm,
    )
    icon = "list-ul"
    menu_label = _("Thủ tục hành chính")
    list_display = ["code", "name", "field", "processing_days", "online_level"]
    list_filter = ["field", "online_level", "is_active"]
    search_fields = ["code", "name"]


class FieldViewSet(SnippetViewSet):
    model = Field
    icon = "tag"
    menu_label = _("Lĩnh vực")
    list_display = ["code", "name"]


class CatalogueGroup(SnippetViewSetGroup):
    items = (ProcedureViewSet, FieldViewSet)
    menu_icon = "list-ul"
    menu_label = _("Danh mục thủ tục")
    menu_order = 200


register_snippet(CatalogueGroup)


@hooks.register("register_admin_urls")
def procedure_import_urls() -> list:
    return [
        path("procedures/import/", import_procedures_view, name="procedures-import")
    ]


@hooks.register("register_admin_menu_item")
def procedure_import_menu_item() -> MenuItem:
    return MenuItem(
        _("Nhập danh mục thủ tục"),
        reverse("procedures-import"),
        icon_name="upload",
        order=205,
    )
