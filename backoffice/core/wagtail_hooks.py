"""Wagtail admin: agencies, staff memberships and the working calendar as snippets;
every create/edit/delete made there is written to the audit log."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Agency, CalendarDay, Membership
from .services import audit_record, snapshot


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "site"
    menu_label = _("Cơ quan, đơn vị")
    list_display = ["code", "name", "level", "parent", "superseded_by"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    add_to_admin_menu = True
    menu_order = 210


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "group"
    menu_label = _("Phân công cán bộ")
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    add_to_admin_menu = True
    menu_order = 220


class CalendarDayViewSet(SnippetViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = _("Lịch nghỉ và làm bù")
    list_display = ["date", "kind", "name", "agency"]
    list_filter = ["kind"]
    add_to_admin_menu = True
    menu_order = 230


register_snippet(AgencyViewSet)
register_snippet(MembershipViewSet)
register_snippet(CalendarDayViewSet)


def _audit(request: HttpRequest, instance: object, action: str) -> None:
    # Models opt in with `audit_in_admin = True`.
    if getattr(type(instance), "audit_in_admin", False):
        audit_record(
            actor=request.user,
            action=f"{instance._meta.model_name}.{action}",
            obj=instance,
            after=snapshot(instance) if action != "deleted" else None,
        )


@hooks.register("after_create_snippet")
def audit_snippet_created(request: HttpRequest, instance: object) -> None:
    _audit(request, instance, "created")


@hooks.register("after_edit_snippet")
def audit_snippet_edited(request: HttpRequest, instance: object) -> None:
    _audit(request, instance, "updated")


@hooks.register("after_delete_snippet")
def audit_snippets_deleted(request: HttpRequest, instances: list) -> None:
    for instance in instances:
        _audit(request, instance, "deleted")


@hooks.register("register_admin_menu_item")
def audit_log_menu_item() -> MenuItem:
    return MenuItem(
        _("Nhật ký hệ thống"),
        reverse("admin:core_auditlogentry_changelist"),
        icon_name="history",
        order=900,
    )
