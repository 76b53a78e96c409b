"""Forms 02 and 03 and result files carry the agency's signature, like form 01
(issue 11)."""

import pytest

from backoffice.core.constants import Role
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.handling import (
    dossier_accept,
    dossier_complete,
    dossier_refuse,
    dossier_request_supplement,
)
from backoffice.dossiers.models import DossierFile
from backoffice.dossiers.services import dossier_submit
from backoffice.signatures.verification import pdf_verify
from tests.fixtures.dossiers import checked_upload
from tests.fixtures.signatures import make_pdf


@pytest.fixture
def dossier(birth_registration, agency_tree, applicant, complete_files):
    return dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=complete_files,
    )


@pytest.fixture
def staff(agency_tree, make_staff):
    ward = agency_tree["ward"]
    return (
        make_staff("tn", agency=ward, role=Role.RECEPTION),
        make_staff("cv", agency=ward, role=Role.SPECIALIST),
    )


def _verdict(record: DossierFile) -> str:
    with record.file.open("rb") as handle:
        return pdf_verify(pdf_bytes=handle.read()).verdict


def test_form_03_is_signed(dossier, staff, agency_pki) -> None:
    dossier_refuse(dossier=dossier, actor=staff[0], reason="Sai thẩm quyền")

    form = dossier.files.get(kind=DossierFile.Kind.FORM)
    assert _verdict(form) == "valid"


def test_form_02_is_signed(dossier, staff, agency_pki) -> None:
    reception, specialist = staff
    dossier_accept(dossier=dossier, actor=reception)
    component = dossier.procedure.components.first()
    dossier_request_supplement(
        dossier=dossier, actor=specialist, component_ids=[component.pk], reason="Mờ"
    )
    form = dossier.files.get(kind=DossierFile.Kind.FORM)
    assert form.original_name.startswith("mau-02-")
    assert _verdict(form) == "valid"


def test_result_files_are_signed(dossier, staff, agency_pki) -> None:
    reception, specialist = staff
    dossier_accept(dossier=dossier, actor=reception)

    dossier_complete(
        dossier=dossier,
        actor=specialist,
        result_files=[checked_upload(make_pdf(["KẾT QUẢ"]), name="ket-qua.pdf")],
    )

    result = dossier.files.get(kind=DossierFile.Kind.RESULT)
    assert _verdict(result) == "valid"
    with result.file.open("rb") as handle:
        assert result.size == len(handle.read())


def test_without_a_usable_key_the_refusal_still_goes_out_unsigned(
    dossier, staff, settings, tmp_path, caplog
) -> None:
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "none.p12")

    dossier_refuse(dossier=dossier, actor=staff[0], reason="Sai thẩm quyền")

    form = dossier.files.get(kind=DossierFile.Kind.FORM)
    assert _verdict(form) == "unsigned"
    assert "Issued unsigned" in caplog.text
