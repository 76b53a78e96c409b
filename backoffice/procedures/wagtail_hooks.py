from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Field, Procedure


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
