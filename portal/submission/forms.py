from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.core.text import TypedCharField, TypedEmailField
from backoffice.core.validators import tax_code_normalise, validate_citizen_id
from backoffice.dossiers.constants import ResultDelivery
from backoffice.procedures.constants import ApplicantType
from backoffice.procedures.models import Procedure


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class SubmissionForm(forms.Form):
    """Applicant details, agency, delivery, files per component and declaration.

    Every text the citizen types goes through `clean_typed_text` (legacy TCVN3/VNI
    converted, NFC, no control or invisible characters)."""

    agency = forms.ChoiceField(label=_("Cơ quan tiếp nhận"))
    applicant_name = TypedCharField(label=_("Họ và tên người yêu cầu"), max_length=200)
    applicant_type = forms.ChoiceField(
        label=_("Đối tượng nộp hồ sơ"), required=False, choices=ApplicantType.choices
    )
    applicant_id_number = TypedCharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=12,
        required=False,
        validators=[validate_citizen_id],
    )
    applicant_organisation = TypedCharField(
        label=_("Tên tổ chức, doanh nghiệp"), max_length=300, required=False
    )
    applicant_tax_code = TypedCharField(
        label=_("Mã số thuế"),
        max_length=16,
        required=False,
        help_text=_("10 chữ số, hoặc 10 chữ số và mã đơn vị phụ thuộc (-001)."),
    )
    applicant_phone = TypedCharField(
        label=_("Số điện thoại"), max_length=20, required=False
    )
    applicant_email = TypedEmailField(label=_("Thư điện tử nhận thông báo"))
    applicant_address = TypedCharField(
        label=_("Địa chỉ"), max_length=300, required=False
    )
    on_behalf = forms.BooleanField(
        label=_("Tôi nộp thay cho người khác"), required=False
    )
    representative_name = TypedCharField(
        label=_("Họ và tên người nộp thay"), max_length=200, required=False
    )
    representative_id_number = TypedCharField(
        label=_("Số định danh của người nộp thay"),
        max_length=12,
        required=False,
        validators=[validate_citizen_id],
    )
    representative_phone = TypedCharField(
        label=_("Điện thoại người nộp thay"), max_length=20, required=False
    )
    result_delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"), choices=ResultDelivery.choices
    )
    declaration = forms.BooleanField(
        label=_("Tôi cam đoan các thông tin và giấy tờ khai trên là đúng sự thật."),
        required=False,
    )

    def __init__(self, *args, procedure: Procedure, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.fields["agency"].choices = [
            (a.code, a.name) for a in procedure.agencies.all()
        ]
        # Only the applicant types the procedure's sheet lists (đối tượng thực hiện).
        self.fields["applicant_type"].choices = [
            (t, ApplicantType(t).label) for t in procedure.applicant_types
        ]
        self.fields["applicant_type"].initial = procedure.applicant_types[0]
        for component in procedure.components.all():
            self.fields[f"component_{component.pk}"] = MultipleFileField(
                label=component.name,
                required=False,
                help_text=", ".join(component.formats),
                widget=MultipleFileInput(
                    attrs={"accept": ",".join(f".{f}" for f in component.formats)}
                ),
            )

    def component_fields(self) -> list[tuple[object, forms.BoundField]]:
        return [
            (component, self[f"component_{component.pk}"])
            for component in self.procedure.components.all()
        ]

    def clean(self) -> dict:
        data = super().clean()
        self._clean_applicant(data)
        if data.get("on_behalf") and not data.get("representative_name"):
            self.add_error(
                "representative_name",
                _("Nhập họ tên người nộp thay hoặc bỏ chọn nộp thay."),
            )
        return data

    def _clean_applicant(self, data: dict) -> None:
        """A citizen gives a personal ID number; an organisation or business its
        name and a tax code with a valid check digit instead."""
        if "applicant_type" in self.errors:
            return
        kind = data.get("applicant_type") or self.procedure.applicant_types[0]
        data["applicant_type"] = kind
        if kind == ApplicantType.CITIZEN:
            if not data.get("applicant_id_number") and (
                "applicant_id_number" not in self.errors
            ):
                self.add_error(
                    "applicant_id_number", _("Nhập số định danh cá nhân (CCCD).")
                )
            data["applicant_organisation"] = data["applicant_tax_code"] = ""
            return
        if not data.get("applicant_organisation"):
            self.add_error(
                "applicant_organisation", _("Nhập tên tổ chức, doanh nghiệp.")
            )
        if not data.get("applicant_tax_code"):
            self.add_error("applicant_tax_code", _("Nhập mã số thuế."))
            return
        try:
            data["applicant_tax_code"] = tax_code_normalise(
                data.get("applicant_tax_code") or ""
            )
        except forms.ValidationError as exc:
            self.add_error("applicant_tax_code", exc)
