"""Wagtail admin: the retention schedule and the file catalogue as snippets
(edits are audited by core's snippet hooks: the models set `audit_in_admin`)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CatalogueEntry, RetentionPeriod


class RetentionPeriodViewSet(SnippetViewSet):
    model = RetentionPeriod
    icon = "time"
    menu_label = _("Bảng thời hạn bảo quản")
    list_display = ["name", "years", "agency"]
    list_filter = ["agency"]
    search_fields = ["name"]


class CatalogueEntryViewSet(SnippetViewSet):
    model = CatalogueEntry
    icon = "list-ul"
    menu_label = _("Danh mục hồ sơ")
    list_display = ["code", "title", "year", "retention", "agency"]
    list_filter = ["year", "agency"]
    search_fields = ["code", "title"]


class RecordsViewSetGroup(SnippetViewSetGroup):
    items = (RetentionPeriodViewSet, CatalogueEntryViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Lưu trữ hồ sơ")
    menu_order = 240


register_snippet(RecordsViewSetGroup)
