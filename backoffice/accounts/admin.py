from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Liên hệ"), {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
