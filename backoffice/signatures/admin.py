from django.contrib import admin
from django.http import HttpRequest

from .models import TrustedCertificate


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
