"""Counter intake pages over HTTP: register, sheets, paper; staff with 2FA,
scoped to where they receive dossiers."""

import io

import pytest
from pypdf import PdfReader

from backoffice.core.constants import Role
from backoffice.dossiers.models import Dossier, DossierFile
from tests.backoffice.scanning import counter_helpers
from tests.backoffice.scanning.counter_helpers import register

pytestmark = pytest.mark.django_db

# Fixtures shared by the counter tests.
counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer


def _form(procedure, **overrides) -> dict:
    data = {
        "agency": "000.01.31.H53",
        "procedure": procedure.code,
        "applicant_name": "Trần Thị Bích",
        "applicant_id_number": "094188001234",
        "applicant_phone": "0912000111",
        "representative_name": "Lê Hoàng Phúc",
        "representative_id_number": "094090004321",
        "result_delivery": "desk",
        "notes": "Bản chính đã đối chiếu",
    }
    for component in procedure.components.all():
        prefix = f"c{component.pk}"
        data |= {
            f"{prefix}_received": "on",
            f"{prefix}_copy_form": "original",
            f"{prefix}_count": "1",
        }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_register_from_the_counter_page(
    verified_client,
    officer,
    birth_registration,
    agency_pki,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    client = verified_client(officer)
    home = client.get("/backoffice/tiep-nhan/")
    assert home.status_code == 200
    assert birth_registration.code in home.content.decode()
    form = client.get(
        "/backoffice/tiep-nhan/tiep-nhan-moi/",
        {"agency": "000.01.31.H53", "procedure": birth_registration.code},
    )
    assert "Giấy chứng sinh" in form.content.decode()
    second = birth_registration.components.all()[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/backoffice/tiep-nhan/tiep-nhan-moi/",
            _form(
                birth_registration,
                **{
                    f"c{second.pk}_copy_form": "certified_copy",
                    f"c{second.pk}_count": "2",
                },
            ),
        )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/tiep-nhan/ho-so/{dossier.code}/"
    assert dossier.channel == "counter" and dossier.received_by == officer
    assert dossier.representative_name == "Lê Hoàng Phúc"
    row = dossier.received_components.get(component=second)
    assert (row.copy_form, row.count) == ("certified_copy", 2)
    page = client.get(response["Location"]).content.decode()
    receipt = dossier.files.get(kind=DossierFile.Kind.RECEIPT)
    assert f"/backoffice/ho-so/{dossier.code}/tep/{receipt.pk}/" in page
    assert receipt.signature_verdict == "valid"
    assert "In tờ bìa và tờ phân cách" in page


def test_register_form_errors_change_nothing(
    verified_client, officer, birth_registration
) -> None:
    client = verified_client(officer)
    first = birth_registration.components.first()
    response = client.post(
        "/backoffice/tiep-nhan/tiep-nhan-moi/",
        _form(
            birth_registration,
            applicant_id_number="12",
            **{f"c{first.pk}_count": "0"},
        ),
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    response = client.post(
        "/backoffice/tiep-nhan/tiep-nhan-moi/",
        _form(birth_registration, **{f"c{first.pk}_received": None}),
    )
    assert "Chưa nhận thành phần bắt buộc" in response.content.decode()
    assert not Dossier.objects.exists()


def test_other_agency_dossier_is_not_found(
    verified_client, make_staff, agency_tree, counter_dossier
) -> None:
    outsider = make_staff("tn2", agency=agency_tree["justice"], role=Role.RECEPTION)
    client = verified_client(outsider)
    base = f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "to-bia-phan-cach.pdf").status_code == 404
    assert client.post(base + "quet/").status_code == 404


def test_sheets_pdf_button(verified_client, officer, counter_dossier) -> None:
    client = verified_client(officer)
    response = client.get(
        f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/to-bia-phan-cach.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    assert counter_dossier.code in reader.pages[0].extract_text()


def test_paper_location_and_label(
    verified_client, officer, birth_registration, applicant
) -> None:
    from backoffice.intake.services import ChecklistItem

    first, second = birth_registration.components.all()
    dossier = register(
        officer,
        birth_registration,
        applicant,
        checklist=[
            ChecklistItem(component_id=first.pk, copy_form="original"),
            ChecklistItem(component_id=second.pk, copy_form="copy", kept_on_paper=True),
        ],
    )
    client = verified_client(officer)
    base = f"/backoffice/tiep-nhan/ho-so/{dossier.code}/"
    response = client.post(
        base + f"ban-giay/{second.pk}/",
        {f"loc{second.pk}-box": "", f"loc{second.pk}-shelf": ""},
        follow=True,
    )
    assert "Hãy ghi số hộp hoặc kệ" in response.content.decode()
    response = client.post(
        base + f"ban-giay/{second.pk}/",
        {f"loc{second.pk}-box": "H-07", f"loc{second.pk}-shelf": "Kệ A2"},
        follow=True,
    )
    assert "Hộp H-07, Kệ Kệ A2" in response.content.decode()
    label = client.get(base + "nhan-ban-giay.pdf")
    assert label["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(label.content)).pages[0].extract_text()
    assert dossier.code in text
    assert dossier.procedure.code in text
    assert "Giấy chứng sinh" in text and "H-07" in text
    import zxingcpp
    from pdf2image import convert_from_bytes

    (code,) = zxingcpp.read_barcodes(convert_from_bytes(label.content, dpi=150)[0])
    assert code.text == f"MOTCUA|1|PAPER|{dossier.code}|{dossier.procedure.code}"
