"""Admin of agency mailboxes: the password is write-only and stored encrypted;
the last error, failures and next poll are shown to the administrator."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .mailboxes import mailbox_save
from .models import IncomingMail, IncomingMailbox

# Placeholder that lets the model's own check pass until mailbox_save encrypts the
# password typed in the form (not a secret).
PENDING = "pending"


class IncomingMailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Mật khẩu"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Để trống để giữ mật khẩu đang lưu."),
    )

    class Meta:
        model = IncomingMailbox
        fields = [
            "agency",
            "host",
            "port",
            "use_ssl",
            "username",
            "password_env",
            "folder",
            "poll_interval",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        has_secret = (
            cleaned.get("password")
            or cleaned.get("password_env")
            or (self.instance.pk and self.instance.password_encrypted)
        )
        if not has_secret:
            raise forms.ValidationError(
                _("Cần nhập mật khẩu hoặc tên biến môi trường chứa mật khẩu.")
            )
        if cleaned.get("password"):
            # Lets the model's own check pass; mailbox_save encrypts the real value.
            self.instance.password_encrypted = PENDING
        return cleaned


@admin.register(IncomingMailbox)
class IncomingMailboxAdmin(admin.ModelAdmin):
    form = IncomingMailboxForm
    list_display = (
        "agency",
        "username",
        "host",
        "port",
        "is_active",
        "last_polled_at",
        "failures",
        "last_error",
        "next_poll_at",
    )
    readonly_fields = ("last_polled_at", "next_poll_at", "failures", "last_error")

    def save_model(
        self, request: HttpRequest, obj: IncomingMailbox, form: Any, change: bool
    ) -> None:
        password = form.cleaned_data.get("password") or None
        if password is None and obj.password_encrypted == PENDING:
            obj.password_encrypted = ""
        mailbox_save(mailbox=obj, actor=request.user, password=password)


@admin.register(IncomingMail)
class IncomingMailAdmin(admin.ModelAdmin):
    """Read-only: what arrived by e-mail, with the attachments not registered."""

    list_display = ("received_at", "agency", "sender", "subject", "problem")
    list_filter = ("agency",)
    search_fields = ("sender", "subject", "message_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
