"""Forms of the records pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import FreeDocumentKind, ItemKind
from .models import RetentionPeriod


class EntryForm(forms.Form):
    code = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=40)
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500)
    retention = forms.ModelChoiceField(
        label=_("Thời hạn bảo quản"), queryset=RetentionPeriod.objects.none()
    )
    responsible_unit = forms.CharField(
        label=_("Đơn vị lập hồ sơ"), max_length=200, required=False
    )
    notes = forms.CharField(label=_("Ghi chú"), required=False)

    def __init__(self, *args, retention_periods, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["retention"].queryset = retention_periods


class OpenForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500, required=False)
    opened_on = forms.DateField(
        label=_("Ngày mở hồ sơ"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


FILE_KINDS = [
    (ItemKind.INCOMING, ItemKind.INCOMING.label),
    (ItemKind.OUTGOING, ItemKind.OUTGOING.label),
    (ItemKind.DOSSIER, ItemKind.DOSSIER.label),
]


class SearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=FILE_KINDS)
    q = forms.CharField(
        label=_("Số, ký hiệu hoặc mã hồ sơ"), max_length=100, required=False
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=FreeDocumentKind.choices)
    title = forms.CharField(label=_("Tên tài liệu"), max_length=500)
    document_date = forms.DateField(
        label=_("Ngày tài liệu"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    author = forms.CharField(label=_("Tác giả"), max_length=200, required=False)
    file = forms.FileField(label=_("Tệp"))


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Ngày kết thúc"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận đóng hồ sơ; sau khi đóng không thể thêm, gỡ văn bản."),
        required=True,
    )


def form_errors(form: forms.Form) -> list[str]:
    """The form's errors as sentences for the message list."""
    return [
        f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
        for k, v in form.errors.items()
    ]
