"""Forms of the clerk's desk: receive (upload, .eml), register, refuse, assign, done.

They parse input only; the services validate and decide.
"""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from backoffice.core.constants import Role
from backoffice.core.models import Agency

from .constants import Confidentiality, DocumentType, Urgency
from .models import IncomingDocument
from .routing import MAX_HANDLING_DAYS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class AgencyChoiceForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan nhận"), queryset=Agency.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class UploadForm(AgencyChoiceForm):
    main = forms.FileField(label=_("Văn bản (tệp PDF)"))
    attachments = MultipleFileField(label=_("Tệp đính kèm"), required=False)
    delivered_by = forms.CharField(
        label=_("Người chuyển đến"),
        max_length=200,
        help_text=_("Họ tên, đơn vị của người mang hoặc gửi văn bản đến."),
    )
    sender = forms.EmailField(label=_("Thư điện tử nơi gửi"), required=False)
    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), required=False)
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), required=False)
    subject = forms.CharField(
        label=_("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EmlForm(AgencyChoiceForm):
    messages = MultipleFileField(label=_("Thư điện tử (.eml)"))


class RegisterForm(forms.Form):
    """Art. 10.1.b fields; the number and arrival date are given by the system."""

    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    issuer_code = forms.CharField(
        label=_("Mã cơ quan ban hành"), max_length=35, required=False
    )
    number_symbol = forms.CharField(
        label=_("Số, ký hiệu"), max_length=100, required=False
    )
    issued_on = forms.DateField(label=_("Ngày văn bản"), required=False)
    field = forms.CharField(label=_("Lĩnh vực"), max_length=200, required=False)
    document_type = forms.ChoiceField(
        label=_("Loại văn bản"),
        choices=[("", "—"), *DocumentType.choices],
        required=False,
    )
    subject = forms.CharField(
        label=_("Trích yếu nội dung"), widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(
        label=_("Độ mật"), choices=Confidentiality.choices
    )
    page_count = forms.IntegerField(label=_("Số trang"), min_value=1, required=False)
    deadline = forms.DateField(label=_("Hạn xử lý"), required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    signer_position = forms.CharField(
        label=_("Chức vụ người ký"), max_length=200, required=False
    )
    storage_location = forms.CharField(
        label=_("Nơi lưu"), max_length=255, required=False
    )
    notes = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    override_reason = forms.CharField(
        label=_("Lý do vẫn vào sổ (chữ ký không hợp lệ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    FIELDS = (
        "issuer_name",
        "issuer_code",
        "number_symbol",
        "issued_on",
        "field",
        "document_type",
        "subject",
        "urgency",
        "confidentiality",
        "page_count",
        "deadline",
        "signer_name",
        "signer_position",
        "storage_location",
        "notes",
    )

    @classmethod
    def for_document(
        cls, document: IncomingDocument, data: Any = None
    ) -> "RegisterForm":
        initial = {name: getattr(document, name) for name in cls.FIELDS}
        return cls(data=data, initial=initial)

    def register_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    instruction = forms.CharField(
        label=_("Ý kiến chỉ đạo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead = forms.ModelChoiceField(
        label=_("Chuyên viên chủ trì"), queryset=get_user_model().objects.none()
    )
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("Phối hợp"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    handling_days = forms.IntegerField(
        label=_("Thời hạn (ngày làm việc)"),
        min_value=1,
        max_value=MAX_HANDLING_DAYS,
        initial=5,
    )

    def __init__(self, *args: Any, document: IncomingDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handlers = (
            get_user_model()
            .objects.filter(
                memberships__agency=document.agency,
                memberships__role__in=[Role.SPECIALIST, Role.LEADER],
                is_active=True,
            )
            .distinct()
            .order_by("last_name", "username")
        )
        self.fields["lead"].queryset = handlers
        self.fields["co_handlers"].queryset = handlers
        self.fields["lead"].label_from_instance = _person
        self.fields["co_handlers"].label_from_instance = _person


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class DoneForm(forms.Form):
    outcome = forms.CharField(
        label=_("Kết quả xử lý"), widget=forms.Textarea(attrs={"rows": 2})
    )
