"""Scanning forms: a scan upload, a decision on a range of queued pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.core.text import NFCFormMixin


class ScanUploadForm(forms.Form):
    scan = forms.FileField(
        label=_("Tệp quét (PDF, TIFF hoặc JPEG nhiều trang)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.tif,.tiff,.jpg,.jpeg,application/pdf,image/*"}
        ),
    )


class PageRangeForm(NFCFormMixin, forms.Form):
    """A decision on a range of queued pages of one batch (1-based, inclusive)."""

    batch = forms.IntegerField(widget=forms.HiddenInput)
    first = forms.IntegerField(label=_("Từ trang"), min_value=1)
    last = forms.IntegerField(label=_("Đến trang"), min_value=1)
    action = forms.ChoiceField(
        choices=[("assign", _("Gán vào hồ sơ")), ("discard", _("Loại bỏ"))]
    )
    dossier_code = forms.CharField(label=_("Mã hồ sơ"), max_length=64, required=False)
    position = forms.IntegerField(label=_("Thành phần số"), min_value=1, required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            self.add_error("last", _("Trang cuối phải lớn hơn hoặc bằng trang đầu."))
        if data.get("action") == "assign":
            if not data.get("dossier_code"):
                self.add_error("dossier_code", _("Hãy nhập mã hồ sơ."))
            if not data.get("position"):
                self.add_error("position", _("Hãy chọn thành phần hồ sơ."))
        return data
