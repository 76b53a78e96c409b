"""Counter intake forms: registration with the component checklist, paper location."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from backoffice.core.text import NFCFormMixin
from backoffice.core.validators import tax_code_normalise, validate_citizen_id
from backoffice.dossiers.constants import ResultDelivery
from backoffice.dossiers.services import Applicant
from backoffice.procedures.constants import ApplicantType, CopyForm
from backoffice.procedures.models import Procedure

from .services import MAX_COUNT, ChecklistItem


class CounterRegisterForm(NFCFormMixin, forms.Form):
    """Walk-in dossier: who files it, on whose behalf, and what paper came with it.

    A citizen is identified by a personal ID number; an organisation or business
    (where the procedure's sheet lists it, đối tượng thực hiện) by its name and a
    tax code with a valid check digit, the person at the counter by name (and ID
    number when given).
    """

    applicant_type = forms.ChoiceField(
        label=_("Đối tượng nộp hồ sơ"), choices=ApplicantType.choices, required=False
    )
    applicant_organisation = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"), max_length=300, required=False
    )
    applicant_tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=16,
        required=False,
        help_text=_("10 chữ số, hoặc 10 chữ số và mã đơn vị phụ thuộc (-001)."),
    )
    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        required=False,
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
        self.applicant_types = procedure.applicant_types
        # Every known type parses; clean_applicant_type says which ones this
        # procedure takes, and only those are offered.
        kind = self.fields["applicant_type"]
        kind.initial = self.applicant_types[0]
        kind.widget.choices = [
            (t, ApplicantType(t).label) for t in self.applicant_types
        ]
        if len(self.applicant_types) == 1:
            kind.widget = forms.HiddenInput()
        if not self.takes_organisations:
            # A citizen-only procedure keeps the citizen form.
            del self.fields["applicant_organisation"], self.fields["applicant_tax_code"]
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

    @property
    def takes_organisations(self) -> bool:
        return any(t != ApplicantType.CITIZEN for t in self.applicant_types)

    def applicant_type_label(self) -> str:
        return str(ApplicantType(self.applicant_types[0]).label)

    def clean_applicant_type(self) -> str:
        # Not sent (an older page): the procedure's first applicant type.
        kind = self.cleaned_data["applicant_type"] or self.applicant_types[0]
        if kind not in self.applicant_types:
            raise forms.ValidationError(
                _(
                    "Thủ tục %(code)s không dành cho đối tượng “%(type)s”; đối "
                    "tượng được thực hiện: %(allowed)s."
                ),
                code="applicant_type_not_allowed",
                params={
                    "code": self.procedure.code,
                    "type": ApplicantType(kind).label,
                    "allowed": ", ".join(self.procedure.applicant_type_labels()),
                },
            )
        return kind

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "applicant_type" not in self.errors:
            self._clean_applicant(data)
        return data

    def _clean_applicant(self, data: dict[str, Any]) -> None:
        kind = data["applicant_type"]
        if kind == ApplicantType.CITIZEN:
            if not data.get("applicant_id_number") and (
                "applicant_id_number" not in self.errors
            ):
                self.add_error(
                    "applicant_id_number", _("Nhập số định danh cá nhân (CCCD).")
                )
            data["applicant_organisation"] = data["applicant_tax_code"] = ""
            return
        organisation = data.get("applicant_organisation")
        tax_code = data.get("applicant_tax_code")
        if not organisation and not tax_code and data.get("applicant_id_number"):
            self.add_error(
                None,
                forms.ValidationError(
                    _(
                        "Người nộp là %(type)s: số định danh cá nhân không thay "
                        "được tên và mã số thuế của tổ chức, doanh nghiệp."
                    ),
                    code="organisation_needs_tax_code",
                    params={"type": ApplicantType(kind).label.lower()},
                ),
            )
        if not organisation:
            self.add_error(
                "applicant_organisation", _("Nhập tên tổ chức, doanh nghiệp.")
            )
        if not tax_code:
            self.add_error("applicant_tax_code", _("Nhập mã số thuế."))
            return
        try:
            data["applicant_tax_code"] = tax_code_normalise(tax_code)
        except forms.ValidationError as exc:
            self.add_error("applicant_tax_code", exc)

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
            type=data["applicant_type"],
            organisation=data.get("applicant_organisation", ""),
            tax_code=data.get("applicant_tax_code", ""),
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
