"""Counter intake forms: registration with the component checklist, paper location."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from backoffice.core.text import NFCFormMixin
from backoffice.core.validators import validate_citizen_id
from backoffice.dossiers.constants import ResultDelivery
from backoffice.dossiers.services import Applicant
from backoffice.procedures.constants import CopyForm
from backoffice.procedures.models import Procedure

from .services import MAX_COUNT, ChecklistItem


class CounterRegisterForm(NFCFormMixin, forms.Form):
    """Walk-in dossier: who files it, on whose behalf, and what paper came with it."""

    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        validators=[validate_citizen_id],
    )
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"), max_length=20, required=False
    )
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(
        label=_("Địa chỉ"), max_length=300, required=False
    )
    representative_name = forms.CharField(
        label=_("Người được ủy quyền / đại diện"), max_length=200, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Số định danh của người đại diện"),
        max_length=12,
        required=False,
        validators=[validate_citizen_id],
    )
    representative_phone = forms.CharField(
        label=_("Điện thoại người đại diện"), max_length=20, required=False
    )
    result_delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ResultDelivery.choices,
        initial=ResultDelivery.DESK,
    )
    notes = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, procedure: Procedure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.components = list(procedure.components.all())
        for position, component in enumerate(self.components, 1):
            prefix = f"c{component.pk}"
            self.fields[f"{prefix}_received"] = forms.BooleanField(
                label=f"{position}. {component.name}",
                required=False,
                initial=component.required,
            )
            self.fields[f"{prefix}_copy_form"] = forms.ChoiceField(
                label=_("Loại bản"),
                choices=CopyForm.choices,
                initial=component.copy_form,
            )
            self.fields[f"{prefix}_count"] = forms.IntegerField(
                label=_("Số lượng"),
                initial=component.count,
                validators=[MinValueValidator(1), MaxValueValidator(MAX_COUNT)],
                widget=forms.NumberInput(attrs={"min": 1, "max": MAX_COUNT}),
            )
            self.fields[f"{prefix}_paper"] = forms.BooleanField(
                label=_("Chỉ lưu bản giấy"), required=False
            )

    def component_rows(self) -> list[dict[str, Any]]:
        rows = []
        for position, component in enumerate(self.components, 1):
            prefix = f"c{component.pk}"
            rows.append(
                {
                    "position": position,
                    "component": component,
                    "received": self[f"{prefix}_received"],
                    "copy_form": self[f"{prefix}_copy_form"],
                    "count": self[f"{prefix}_count"],
                    "paper": self[f"{prefix}_paper"],
                }
            )
        return rows

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            name=data["applicant_name"],
            id_number=data["applicant_id_number"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            representative_name=data["representative_name"],
            representative_id_number=data["representative_id_number"],
            representative_phone=data["representative_phone"],
        )

    def checklist(self) -> list[ChecklistItem]:
        data = self.cleaned_data
        items = []
        for component in self.components:
            prefix = f"c{component.pk}"
            if data.get(f"{prefix}_received"):
                items.append(
                    ChecklistItem(
                        component_id=component.pk,
                        copy_form=data[f"{prefix}_copy_form"],
                        count=data[f"{prefix}_count"],
                        kept_on_paper=bool(data.get(f"{prefix}_paper")),
                    )
                )
        return items


class PaperLocationForm(NFCFormMixin, forms.Form):
    box = forms.CharField(label=_("Hộp"), max_length=60, required=False)
    shelf = forms.CharField(label=_("Kệ, giá"), max_length=60, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("box") and not data.get("shelf"):
            raise forms.ValidationError(_("Hãy ghi số hộp hoặc kệ nơi lưu bản giấy."))
        return data
