"""Admin forms (Wagtail and Django admin) for agency signing keys and CRLs.

The checks live on the models (`clean()`); these forms only carry the uploads.
A key file is written with a plain file input: the stored file has no URL to show.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import (
    CRL_MAX_BYTES,
    AgencySigningCertificate,
    RevocationList,
    StaffSigningKey,
)

TOKEN_FIELDS = ["pkcs11_module", "token_label", "key_label", "cert_label"]
KEY_FIELDS = [
    "agency",
    "kind",
    "pkcs12_file",
    "password_env",
    *TOKEN_FIELDS,
    "seal_image",
    "is_active",
]
STAFF_KEY_FIELDS = [
    "user",
    "position",
    "kind",
    "pkcs12_file",
    "password_env",
    *TOKEN_FIELDS,
    "signature_image",
    "is_active",
]
KEY_WIDGETS = {
    "pkcs12_file": forms.FileInput(attrs={"accept": ".p12,.pfx"}),
    "seal_image": forms.FileInput(attrs={"accept": ".png"}),
    "signature_image": forms.FileInput(attrs={"accept": ".png"}),
}


class AgencySigningCertificateForm(forms.ModelForm):
    """Django admin form of an agency signing certificate."""

    class Meta:
        model = AgencySigningCertificate
        fields = KEY_FIELDS
        widgets = KEY_WIDGETS


class AgencySigningCertificateAdminForm(WagtailAdminModelForm):
    """Wagtail admin form of an agency signing certificate."""

    class Meta:
        model = AgencySigningCertificate
        fields = KEY_FIELDS
        widgets = KEY_WIDGETS


class StaffSigningKeyForm(forms.ModelForm):
    """Django admin form of a staff member's personal signing key."""

    class Meta:
        model = StaffSigningKey
        fields = STAFF_KEY_FIELDS
        widgets = KEY_WIDGETS


class StaffSigningKeyAdminForm(WagtailAdminModelForm):
    """Wagtail admin form of a staff member's personal signing key."""

    class Meta:
        model = StaffSigningKey
        fields = STAFF_KEY_FIELDS
        widgets = KEY_WIDGETS


def crl_file_field() -> forms.FileField:
    return forms.FileField(
        label=_("Tệp CRL"),
        help_text=_(
            "Danh sách chứng thư bị thu hồi (.crl, dạng DER hoặc PEM) do tổ chức cấp "
            "chứng thư số công bố; tệp mới hơn của cùng tổ chức sẽ thay tệp cũ."
        ),
        widget=forms.FileInput(attrs={"accept": ".crl,.pem,.der"}),
    )


class RevocationListFormMixin:
    """Reads the uploaded CRL into the row; the model checks the rest."""

    instance: RevocationList
    cleaned_data: dict[str, Any]
    _errors: Any

    def clean_crl_file(self) -> Any:
        upload = self.cleaned_data["crl_file"]
        if upload.size > CRL_MAX_BYTES:
            raise ValidationError(
                _("Tệp CRL quá lớn (tối đa %(limit)s MB).")
                % {"limit": CRL_MAX_BYTES // (1024 * 1024)}
            )
        try:
            self.instance.stage_crl(upload.read())
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return upload

    def _post_clean(self) -> None:
        if "crl_file" in self._errors:
            return  # nothing was read, so nothing to check against the store
        super()._post_clean()  # type: ignore[misc]


class RevocationListForm(RevocationListFormMixin, forms.ModelForm):
    """Django admin form: upload a CRL file."""

    crl_file = crl_file_field()

    class Meta:
        model = RevocationList
        fields: list[str] = []


class RevocationListAdminForm(RevocationListFormMixin, WagtailAdminModelForm):
    """Wagtail admin form: upload a CRL file."""

    crl_file = crl_file_field()

    class Meta:
        model = RevocationList
        fields: list[str] = []
