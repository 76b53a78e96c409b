"""Django admin: outgoing documents are read-only here (every change goes
through the services, with its history and audit record)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import OutgoingDocument, OutgoingEvent, OutgoingFile, OutgoingRecipient


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecipientInline(ReadOnlyInline):
    model = OutgoingRecipient
    fields = ("agency", "routed_to", "email", "name", "channel", "status", "attempts")
    readonly_fields = fields


class FileInline(ReadOnlyInline):
    model = OutgoingFile
    fields = ("version", "kind", "role", "original_name", "sha256", "pages")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = OutgoingEvent
    fields = ("at", "kind", "actor", "status", "comment")
    readonly_fields = fields


@admin.register(OutgoingDocument)
class OutgoingDocumentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "agency", "document_type", "status", "released_at")
    list_filter = ("status", "document_type")
    search_fields = ("number_symbol", "subject", "agency__code")
    inlines = [RecipientInline, FileInline, EventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in OutgoingDocument._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
