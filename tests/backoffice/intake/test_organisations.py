"""Counter intake for organisations and businesses: applicant type, name and tax
code (checksum) where the procedure's sheet lists them; the citizen form stays for
citizen-only procedures; bad input is refused and nothing is created."""

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from backoffice.core.constants import Role
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.pdf_forms import receipt_pdf
from backoffice.procedures.models import Procedure
from backoffice.procedures.services import procedures_import
from tests.backoffice.scanning import counter_helpers
from tests.fixtures.procedures import as_json, procedure

pytestmark = pytest.mark.django_db

officer = counter_helpers.officer

URL = "/backoffice/tiep-nhan/tiep-nhan-moi/"
TAX_CODE = "0100109106"  # a real check digit (Thông tư 105/2020/TT-BTC weights)


def _import(code: str, types: list[str]) -> Procedure:
    procedures_import(
        actor=None,
        name="p.json",
        content=as_json(
            procedure(
                code,
                name=f"Thủ tục thử {code}",
                agencies=["000.01.31.H53"],
                applicant_types=types,
            )
        ),
    )
    return Procedure.objects.get(code=code)


@pytest.fixture
def mixed(agency_tree) -> Procedure:
    return _import("1.013225", ["citizen", "organisation", "business"])


@pytest.fixture
def organisations_only(agency_tree) -> Procedure:
    return _import("1.010727", ["organisation", "business"])


def _form(proc: Procedure, agency: str = "000.01.31.H53", **overrides) -> dict:
    data = {
        "agency": agency,
        "procedure": proc.code,
        "applicant_name": "Trần Văn Bình",
        "applicant_phone": "0912000111",
        "result_delivery": "desk",
    }
    for component in proc.components.all():
        prefix = f"c{component.pk}"
        data |= {
            f"{prefix}_received": "on",
            f"{prefix}_copy_form": "original",
            f"{prefix}_count": "1",
        }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_business_registered_at_the_counter(verified_client, officer, mixed) -> None:
    client = verified_client(officer)
    page = client.get(URL, {"agency": "000.01.31.H53", "procedure": mixed.code})
    html = page.content.decode()
    assert 'name="applicant_organisation"' in html
    assert 'name="applicant_tax_code"' in html
    assert '<option value="business"' in html
    response = client.post(
        URL,
        _form(
            mixed,
            applicant_type="business",
            applicant_organisation="Công ty TNHH Xây dựng Phú Lợi",
            applicant_tax_code=" 0100109106 001 ",
            applicant_id_number="094090004321",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.applicant_type == "business"
    assert dossier.applicant_organisation == "Công ty TNHH Xây dựng Phú Lợi"
    assert dossier.applicant_tax_code == "0100109106-001"
    assert dossier.applicant_name == "Trần Văn Bình"
    counter = client.get(response["Location"]).content.decode()
    assert "Công ty TNHH Xây dựng Phú Lợi" in counter
    assert "0100109106-001" in counter
    home = client.get("/backoffice/tiep-nhan/").content.decode()
    assert "Công ty TNHH Xây dựng Phú Lợi" in home


def test_receipt_names_the_organisation_and_its_tax_code(
    verified_client, officer, mixed
) -> None:
    client = verified_client(officer)
    client.post(
        URL,
        _form(
            mixed,
            applicant_type="organisation",
            applicant_organisation="Hợp tác xã Nông nghiệp Mỹ Xuyên",
            applicant_tax_code=TAX_CODE,
        ),
    )
    dossier = Dossier.objects.get()
    pdf = receipt_pdf(
        dossier=dossier, components=[("Tờ khai", "Bản chính", 1)], officer="Cán bộ A"
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Hợp tác xã Nông nghiệp Mỹ Xuyên" in text
    assert f"Mã số thuế: {TAX_CODE}" in text
    assert "Tên tổ chức" in text
    assert "Người đại diện nộp hồ sơ: Trần Văn Bình" in text


def test_citizen_receipt_is_unchanged(
    officer, birth_registration, applicant, verified_client
) -> None:
    dossier = counter_helpers.register(officer, birth_registration, applicant)
    pdf = receipt_pdf(dossier=dossier, components=[], officer="Cán bộ A")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Ông/Bà: Nguyễn Văn An" in text
    assert "Số định danh cá nhân: 094095001234" in text
    assert "Mã số thuế" not in text


def test_citizen_only_procedure_keeps_the_citizen_form(
    verified_client, officer, birth_registration
) -> None:
    client = verified_client(officer)
    html = client.get(
        URL, {"agency": "000.01.31.H53", "procedure": birth_registration.code}
    ).content.decode()
    assert 'name="applicant_organisation"' not in html
    assert 'name="applicant_tax_code"' not in html
    assert 'type="hidden" name="applicant_type" value="citizen"' in html
    response = client.post(
        URL,
        _form(
            birth_registration,
            applicant_type="organisation",
            applicant_organisation="Công ty A",
            applicant_tax_code=TAX_CODE,
            applicant_id_number="094090004321",
        ),
    )
    assert response.status_code == 200
    assert (
        "Thủ tục 1.001193 không dành cho đối tượng “Tổ chức”; đối tượng được "
        "thực hiện: Công dân." in response.content.decode()
    )
    assert not Dossier.objects.exists()


def test_wrong_tax_code_checksum_is_refused(verified_client, officer, mixed) -> None:
    client = verified_client(officer)
    response = client.post(
        URL,
        _form(
            mixed,
            applicant_type="business",
            applicant_organisation="Công ty TNHH Phú Lợi",
            applicant_tax_code="0100109107",
        ),
    )
    assert response.status_code == 200
    assert "sai chữ số kiểm tra" in response.content.decode()
    assert not Dossier.objects.exists()


def test_missing_organisation_name_is_refused(verified_client, officer, mixed):
    client = verified_client(officer)
    response = client.post(
        URL, _form(mixed, applicant_type="organisation", applicant_tax_code=TAX_CODE)
    )
    assert response.status_code == 200
    assert "Nhập tên tổ chức, doanh nghiệp." in response.content.decode()
    assert not Dossier.objects.exists()


def test_citizen_id_on_an_organisation_only_procedure_is_refused(
    verified_client, officer, organisations_only
) -> None:
    client = verified_client(officer)
    html = client.get(
        URL, {"agency": "000.01.31.H53", "procedure": organisations_only.code}
    ).content.decode()
    assert '<option value="citizen"' not in html
    # The citizen form as it was: an ID number, no organisation, no tax code.
    response = client.post(
        URL, _form(organisations_only, applicant_id_number="094188001234")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "số định danh cá nhân không thay được tên và mã số thuế" in body
    assert "Nhập mã số thuế." in body
    # Saying "citizen" outright is refused too.
    response = client.post(
        URL,
        _form(
            organisations_only,
            applicant_type="citizen",
            applicant_id_number="094188001234",
        ),
    )
    assert (
        "không dành cho đối tượng “Công dân”; đối tượng được thực hiện: Tổ chức, "
        "Doanh nghiệp." in response.content.decode()
    )
    assert not Dossier.objects.exists()


def test_the_demo_organisation_only_procedures_register_at_the_counter(
    settings, tmp_path, make_staff, verified_client
) -> None:
    from backoffice.core.models import Agency
    from backoffice.demo.services import PROCEDURES_FILE, demo_agencies_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_agencies_load()
    procedures_import(
        actor=None,
        name=PROCEDURES_FILE.name,
        content=PROCEDURES_FILE.read_bytes(),
        template_dir=PROCEDURES_FILE.parent / "templates",
    )
    only = [
        p
        for p in Procedure.objects.filter(is_active=True).order_by("code")
        if "citizen" not in p.applicant_types
    ]
    assert {p.code for p in only} == {"1.009374", "1.010727", "1.012753"}
    for number, proc in enumerate(only):
        agency = proc.agencies.order_by("code").first()
        staff = make_staff(f"tnorg{number}", agency=agency, role=Role.RECEPTION)
        client = verified_client(staff)
        response = client.post(
            URL,
            _form(
                proc,
                agency=agency.code,
                applicant_type=proc.applicant_types[0],
                applicant_organisation=f"Công ty Cổ phần Thử nghiệm {number}",
                applicant_tax_code=TAX_CODE,
            ),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        dossier = Dossier.objects.get(procedure=proc)
        assert dossier.channel == "counter"
        assert dossier.applicant_tax_code == TAX_CODE
        assert Agency.objects.filter(pk=dossier.agency_id).exists()


def test_the_service_refuses_what_the_form_would(officer, mixed, birth_registration):
    """Called directly (scripts, API), the counter service checks the applicant
    again: a wrong check digit, an organisation on a citizen-only procedure."""
    from django.core.exceptions import ValidationError

    from backoffice.dossiers.services import Applicant

    business = Applicant(
        name="Trần Văn Bình",
        id_number="",
        type="business",
        organisation="Công ty TNHH Phú Lợi",
        tax_code="0100109107",
    )
    with pytest.raises(ValidationError) as wrong_digit:
        counter_helpers.register(officer, mixed, business)
    assert "sai chữ số kiểm tra" in str(wrong_digit.value)
    with pytest.raises(ValidationError) as not_open:
        counter_helpers.register(
            officer, birth_registration, replace(business, tax_code=TAX_CODE)
        )
    assert "không dành cho đối tượng “Doanh nghiệp”" in str(not_open.value)
    assert not Dossier.objects.exists()
    dossier = counter_helpers.register(
        officer, mixed, replace(business, tax_code="0100109106-001")
    )
    assert dossier.applicant_tax_code == "0100109106-001"
