from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Field, Procedure
from .views import import_procedures_view


class ProcedureViewSet(SnippetViewSet):
    model = Procedure
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
