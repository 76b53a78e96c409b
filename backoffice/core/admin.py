from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Agency, AuditLogEntry, CalendarDay, IntegrityCheck, Membership


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only for everyone, superusers included."""

    list_display = (
        "at",
        "actor_repr",
        "action",
        "object_type",
        "object_repr",
        "agency_code",
    )
    list_filter = ("action", "object_type", "agency_code")
    search_fields = ("actor_repr", "object_repr", "object_id", "note")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        return {}


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "superseded_by", "is_active")
    search_fields = ("code", "name")
    list_filter = ("level", "is_active")


admin.site.register(Membership)
admin.site.register(CalendarDay)


@admin.register(IntegrityCheck)
class IntegrityCheckAdmin(admin.ModelAdmin):
    """Read-only: what each re-hash of the stored originals found."""

    list_display = ("started_at", "finished_at", "checked", "bytes_read", "ok")
    readonly_fields = ("started_at", "finished_at", "checked", "bytes_read", "problems")

    @admin.display(boolean=True, description=_("Toàn vẹn"))
    def ok(self, obj: IntegrityCheck) -> bool:
        return obj.ok

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
