"""Forms of outgoing documents: draft/edit, and the small action forms.

They parse input only; the services validate and decide.
"""

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import Agency
from backoffice.documents.constants import (
    DECREE_30_DOCUMENT_TYPES,
    Confidentiality,
    DocumentType,
    Urgency,
)
from backoffice.incoming.constants import IncomingStatus
from backoffice.incoming.models import IncomingDocument

from .services import DraftInput

_SPLIT = re.compile(r"[\s,;]+")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _type_choices() -> list[tuple[str, str]]:
    return [
        (v, label) for v, label in DocumentType.choices if v in DECREE_30_DOCUMENT_TYPES
    ]


class DraftForm(forms.Form):
    """Soạn thảo văn bản đi."""

    agency = forms.ModelChoiceField(
        label=_("Cơ quan ban hành"), queryset=Agency.objects.none(), empty_label=None
    )
    document_type = forms.ChoiceField(label=_("Loại văn bản"), choices=_type_choices)
    is_legal = forms.BooleanField(
        label=_("Văn bản quy phạm pháp luật (số, ký hiệu có năm)"), required=False
    )
    subject = forms.CharField(
        label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 2})
    )
    issuer_symbol = forms.CharField(
        label=_("Ký hiệu cơ quan ban hành"), max_length=40, help_text=_("Ví dụ: STP")
    )
    drafting_unit = forms.CharField(
        label=_("Đơn vị soạn thảo"), max_length=200, required=False
    )
    drafting_unit_symbol = forms.CharField(
        label=_("Ký hiệu đơn vị soạn thảo (công văn)"), max_length=20, required=False
    )
    field = forms.CharField(label=_("Lĩnh vực"), max_length=200, required=False)
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(
        label=_("Độ mật"), choices=Confidentiality.choices
    )
    deadline = forms.DateField(
        label=_("Hạn trả lời"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    copies = forms.IntegerField(label=_("Số lượng bản"), min_value=1, initial=1)
    file_copy_holder = forms.CharField(
        label=_("Đơn vị, người nhận bản lưu"), max_length=200, required=False
    )
    recipient_agencies = forms.ModelMultipleChoiceField(
        label=_("Nơi nhận trong hệ thống"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipient_emails = forms.CharField(
        label=_("Nơi nhận qua thư điện tử (mỗi địa chỉ một dòng)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    paper_recipients = forms.CharField(
        label=_("Nơi nhận chỉ gửi bản giấy (mỗi nơi một dòng)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_public = forms.BooleanField(
        label=_("Công bố trên Cổng thông tin sau khi phát hành"), required=False
    )
    keep_on_paper = forms.BooleanField(
        label=_("Nơi nhận phải lưu bản giấy (Điều 9)"), required=False
    )
    notes = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reply_to = forms.ModelChoiceField(
        label=_("Trả lời văn bản đến"),
        queryset=IncomingDocument.objects.none(),
        required=False,
        empty_label=_("— không trả lời văn bản đến nào —"),
        help_text=_(
            "Khi phát hành, văn bản đến được trả lời sẽ được ghi nhận là đã xử lý xong."
        ),
    )
    main = forms.FileField(label=_("Tệp văn bản (PDF)"))
    attachments = MultipleFileField(
        label=_("Phụ lục, tài liệu kèm theo (PDF)"), required=False
    )
    comment = forms.CharField(label=_("Ghi chú sửa đổi"), required=False)

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        files_required: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["recipient_agencies"].queryset = Agency.objects.filter(
            is_active=True
        ) | Agency.objects.filter(superseded_by__isnull=False)
        self.fields["main"].required = files_required
        # Registered incoming documents of the drafting agencies still in handling.
        self.fields["reply_to"].queryset = (
            IncomingDocument.objects.filter(
                agency__in=agencies,
                status__in=[
                    IncomingStatus.REGISTERED,
                    IncomingStatus.ASSIGNED,
                    IncomingStatus.PROCESSING,
                ],
            )
            .exclude(incoming_number=None)
            .order_by("-year", "-incoming_number")
        )

    def draft_input(self) -> DraftInput:
        data = self.cleaned_data
        return DraftInput(
            document_type=data["document_type"],
            subject=data["subject"],
            issuer_symbol=data["issuer_symbol"],
            drafting_unit=data["drafting_unit"],
            drafting_unit_symbol=data["drafting_unit_symbol"],
            field=data["field"],
            urgency=data["urgency"],
            confidentiality=data["confidentiality"],
            is_legal=data["is_legal"],
            deadline=data["deadline"],
            copies=data["copies"],
            file_copy_holder=data["file_copy_holder"],
            notes=data["notes"],
            is_public=data["is_public"],
            keep_on_paper=data["keep_on_paper"],
            recipient_agencies=list(data["recipient_agencies"]),
            recipient_emails=[e for e in _SPLIT.split(data["recipient_emails"]) if e],
            paper_recipients=data["paper_recipients"].splitlines(),
            reply_to=data["reply_to"],
        )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500)


class PaperForm(forms.Form):
    CHOICES = [
        ("", _("Theo quy định (tự tính)")),
        ("yes", _("Có gửi bản giấy")),
        ("no", _("Không gửi bản giấy")),
    ]
    required = forms.ChoiceField(
        label=_("Gửi bản giấy"), choices=CHOICES, required=False
    )
    reason = forms.CharField(
        label=_("Lý do điều chỉnh"), max_length=500, required=False
    )

    def value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["required"])
