"""Organisations and businesses apply with their name and tax code (mã số thuế,
check digit validated) instead of a personal ID number, where the procedure's
sheet allows them; everywhere else they are refused and nothing is saved."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from backoffice.core.models import Agency
from backoffice.core.validators import tax_code_normalise
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.services import Applicant, dossier_submit
from tests.fixtures.uploads import form_data, real_pdf

pytestmark = pytest.mark.django_db

BUSINESS = Applicant(
    name="Lê Thị Hoa",
    id_number="",
    email="hoa@congty.vn",
    type="business",
    organisation="Công ty TNHH Hoa Sen",
    tax_code="0100109106 001",
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0100109106", "0100109106"),
        ("0100109106-001", "0100109106-001"),
        ("0100109106001", "0100109106-001"),
        (" 0100 109 106 ", "0100109106"),
    ],
)
def test_valid_tax_codes_are_normalised(value, expected) -> None:
    assert tax_code_normalise(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0100109107", "sai chữ số kiểm tra"),
        ("010010910", "cần 10 chữ số"),
        ("0100109106-01", "cần 10 chữ số"),
        ("0100109106-000", "bắt đầu từ 001"),
        ("01001O9106", "cần 10 chữ số"),
    ],
)
def test_invalid_tax_codes_are_explained(value, message) -> None:
    with pytest.raises(ValidationError) as exc:
        tax_code_normalise(value)
    assert message in exc.value.messages[0]


@pytest.fixture
def for_business(birth_registration):
    birth_registration.for_businesses = True
    birth_registration.save()
    return birth_registration


def _ward() -> Agency:
    return Agency.objects.get(code="000.01.31.H53")


def test_a_business_submits_with_name_and_tax_code(for_business, complete_files):
    dossier = dossier_submit(
        procedure=for_business,
        agency=_ward(),
        channel=Channel.ONLINE,
        applicant=BUSINESS,
        files=complete_files,
    )
    dossier.refresh_from_db()
    assert dossier.applicant_type == "business"
    assert dossier.applicant_organisation == "Công ty TNHH Hoa Sen"
    assert dossier.applicant_tax_code == "0100109106-001"
    assert dossier.applicant_id_number == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tax_code": "0100109107"}, "applicant_tax_code"),
        ({"organisation": ""}, "applicant_organisation"),
        ({"type": "organisation"}, "applicant_type"),
    ],
)
def test_bad_business_applicant_is_refused(
    for_business, complete_files, changes, field
) -> None:
    from dataclasses import replace

    with pytest.raises(ValidationError) as exc:
        dossier_submit(
            procedure=for_business,
            agency=_ward(),
            channel=Channel.ONLINE,
            applicant=replace(BUSINESS, **changes),
            files=complete_files,
        )
    assert field in exc.value.message_dict
    assert not Dossier.objects.exists()


def test_a_citizen_only_procedure_refuses_a_business(
    birth_registration, complete_files
) -> None:
    with pytest.raises(ValidationError) as exc:
        dossier_submit(
            procedure=birth_registration,
            agency=_ward(),
            channel=Channel.ONLINE,
            applicant=BUSINESS,
            files=complete_files,
        )
    assert "không dành cho đối tượng “Doanh nghiệp”" in str(exc.value)
    assert not Dossier.objects.exists()


def test_the_database_refuses_an_unidentified_organisation(for_business) -> None:
    dossier = Dossier(
        applicant_name="X", applicant_type="organisation", applicant_organisation="Y"
    )
    with pytest.raises(ValidationError) as exc:
        dossier.validate_constraints()
    assert "tổ chức, doanh nghiệp cần tên và mã số thuế" in str(exc.value)


def _files(procedure) -> dict:
    return {
        "c0": SimpleUploadedFile("to-khai.pdf", real_pdf()),
        "c1": SimpleUploadedFile("giay-chung-sinh.pdf", real_pdf("Giấy chứng sinh")),
    }


def test_wizard_takes_a_business_applicant(
    signed_in_citizen, for_business, celery_eager, agency_pki
) -> None:
    url = f"/nop-ho-so/{for_business.code}/"
    data = form_data(for_business, **_files(for_business))
    data.update(
        applicant_type="business",
        applicant_id_number="",
        applicant_organisation="Công ty TNHH Hoa Sen",
        applicant_tax_code="0100109106",
        action="review",
    )
    response = signed_in_citizen.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert signed_in_citizen.post(url + "nop/").status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.applicant_type, dossier.applicant_tax_code) == (
        "business",
        "0100109106",
    )


def test_wizard_explains_a_wrong_tax_code_and_keeps_nothing(
    signed_in_citizen, for_business
) -> None:
    url = f"/nop-ho-so/{for_business.code}/"
    data = form_data(for_business)
    data.update(
        applicant_type="business",
        applicant_id_number="",
        applicant_organisation="Công ty TNHH Hoa Sen",
        applicant_tax_code="0100109107",
    )
    response = signed_in_citizen.post(url, data)
    assert response.status_code == 200
    assert "sai chữ số kiểm tra" in response.content.decode()
    assert not Dossier.objects.exists()


def test_wizard_refuses_a_business_where_only_citizens_apply(
    signed_in_citizen, birth_registration
) -> None:
    data = form_data(birth_registration)
    data.update(applicant_type="business", applicant_tax_code="0100109106")
    response = signed_in_citizen.post(f"/nop-ho-so/{birth_registration.code}/", data)
    assert response.status_code == 200
    assert not Dossier.objects.exists()


def test_a_citizen_still_needs_a_personal_id(signed_in_citizen, birth_registration):
    data = form_data(birth_registration)
    data["applicant_id_number"] = ""
    response = signed_in_citizen.post(f"/nop-ho-so/{birth_registration.code}/", data)
    assert response.status_code == 200
    assert "Nhập số định danh cá nhân (CCCD)." in response.content.decode()
