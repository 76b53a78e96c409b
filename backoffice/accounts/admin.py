from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ExternalIdentity, User


class ExternalIdentityInline(admin.TabularInline):
    """Identities linked by national sign-in: shown, never edited here (a link
    is made only by the provider's verified claims)."""

    model = ExternalIdentity
    extra = 0
    can_delete = False
    fields = ("issuer", "subject", "citizen_id", "created_at", "last_login_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Liên hệ"), {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    inlines = [ExternalIdentityInline]
