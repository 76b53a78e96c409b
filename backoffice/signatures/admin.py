from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from backoffice.core.services import audit_record, snapshot

from .forms import (
    AgencySigningCertificateForm,
    RevocationListForm,
    StaffSigningKeyForm,
)
from .models import (
    AgencySigningCertificate,
    RevocationList,
    StaffSigningKey,
    TrustedCertificate,
)


@admin.register(TrustedCertificate)
class TrustedCertificateAdmin(admin.ModelAdmin):
    """The trust store; descriptive fields come from the PEM and are read-only."""

    list_display = ("name", "kind", "subject", "not_after", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "subject", "fingerprint_sha256")
    fields = ("name", "kind", "pem", "is_active")
    readonly_fields = (
        "subject",
        "issuer",
        "serial",
        "fingerprint_sha256",
        "not_before",
        "not_after",
        "added_at",
    )

    def get_fields(
        self, request: HttpRequest, obj: TrustedCertificate | None = None
    ) -> tuple[str, ...]:
        return (*self.fields, *self.readonly_fields) if obj else self.fields


class AuditedAdmin(admin.ModelAdmin):
    """Writes made here go to the audit log, as in the Wagtail admin."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        action = "updated" if change else "created"
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{action}",
            obj=obj,
            after=snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user, action=f"{obj._meta.model_name}.deleted", obj=obj
        )
        super().delete_model(request, obj)


@admin.register(AgencySigningCertificate)
class AgencySigningCertificateAdmin(AuditedAdmin):
    """Agency signing keys: a PKCS#12 upload; the certificate's facts are read-only
    and the file itself is never offered for download."""

    form = AgencySigningCertificateForm
    list_display = ("agency", "kind", "subject", "not_after", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("agency__code", "agency__name", "subject")
    readonly_fields = (
        "subject",
        "issuer",
        "serial",
        "fingerprint_sha256",
        "not_before",
        "not_after",
        "updated_at",
    )


@admin.register(StaffSigningKey)
class StaffSigningKeyAdmin(AuditedAdmin):
    """Personal signing keys of leaders (PKCS#12 upload or PKCS#11 token)."""

    form = StaffSigningKeyForm
    list_display = ("user", "position", "kind", "subject", "not_after", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("user__username", "user__last_name", "subject")
    readonly_fields = (
        "subject",
        "issuer",
        "serial",
        "fingerprint_sha256",
        "not_before",
        "not_after",
        "updated_at",
    )


@admin.register(RevocationList)
class RevocationListAdmin(AuditedAdmin):
    """Imported CRLs: a file upload; every other field is read from the file."""

    form = RevocationListForm
    list_display = ("issuer", "number", "this_update", "next_update", "revoked_count")
    search_fields = ("issuer",)
    readonly_fields = (
        "issuer",
        "number",
        "this_update",
        "next_update",
        "revoked_count",
        "sha256",
        "imported_at",
    )
    fields = ("crl_file", *readonly_fields)
