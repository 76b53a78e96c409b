"""Who may apply: a citizen, or an organisation or business where the procedure
allows it (đối tượng thực hiện), identified by name and tax code (mã số thuế)."""

from dataclasses import replace
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backoffice.core.validators import tax_code_normalise
from backoffice.procedures.constants import ApplicantType
from backoffice.procedures.models import Procedure

if TYPE_CHECKING:
    from .services import Applicant


def applicant_check(*, procedure: Procedure, applicant: "Applicant") -> "Applicant":
    """The applicant with a normalised tax code, or ValidationError (Vietnamese)
    when the procedure does not accept this kind of applicant or an identifier
    is missing. A citizen's organisation fields are dropped."""
    if applicant.type not in ApplicantType.values:
        raise ValidationError(
            {"applicant_type": _("Đối tượng nộp hồ sơ không hợp lệ.")}
        )
    if applicant.type not in procedure.applicant_types:
        raise ValidationError(
            {
                "applicant_type": _(
                    "Thủ tục %(code)s không dành cho đối tượng “%(type)s”; đối "
                    "tượng được thực hiện: %(allowed)s."
                )
                % {
                    "code": procedure.code,
                    "type": ApplicantType(applicant.type).label,
                    "allowed": ", ".join(procedure.applicant_type_labels()),
                }
            }
        )
    if applicant.type == ApplicantType.CITIZEN:
        if not applicant.id_number.strip():
            raise ValidationError(
                {"applicant_id_number": _("Nhập số định danh cá nhân (CCCD).")}
            )
        return replace(applicant, organisation="", tax_code="")
    errors = {}
    if not applicant.organisation.strip():
        errors["applicant_organisation"] = _("Nhập tên tổ chức, doanh nghiệp.")
    try:
        tax_code = tax_code_normalise(applicant.tax_code)
    except ValidationError as exc:
        errors["applicant_tax_code"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return replace(applicant, tax_code=tax_code)
