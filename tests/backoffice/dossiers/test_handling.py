from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from backoffice.core.constants import Role
from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.handling import (
    dossier_accept,
    dossier_complete,
    dossier_refuse,
    dossier_request_supplement,
    dossier_return_result,
    dossier_supplement_submit,
    open_supplement_request,
)
from backoffice.dossiers.models import DossierFile
from backoffice.dossiers.services import dossier_submit
from tests.fixtures.dossiers import pdf_upload

pytestmark = pytest.mark.django_db


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
def reception(agency_tree, make_staff):
    return make_staff("tn", agency=agency_tree["ward"], role=Role.RECEPTION)


@pytest.fixture
def specialist(agency_tree, make_staff):
    return make_staff("cv", agency=agency_tree["ward"], role=Role.SPECIALIST)


def test_accept_process_and_return(dossier, reception, specialist) -> None:
    dossier_accept(dossier=dossier, actor=reception)
    dossier_complete(
        dossier=dossier, actor=specialist, result_files=[pdf_upload("ket-qua.pdf")]
    )
    assert dossier.status == DossierStatus.DONE
    assert dossier.files.filter(kind=DossierFile.Kind.RESULT).count() == 1
    dossier_return_result(dossier=dossier, actor=reception)
    assert list(dossier.events.values_list("status", flat=True)) == [1, 2, 4, 9, 10]


def test_refusal_needs_a_reason_and_stores_form_03(dossier, reception) -> None:
    with pytest.raises(ValidationError, match="lý do"):
        dossier_refuse(dossier=dossier, actor=reception, reason="  ")
    assert dossier.status == DossierStatus.NEW
    dossier_refuse(dossier=dossier, actor=reception, reason="Sai thẩm quyền")
    assert dossier.status == DossierStatus.NOT_ACCEPTED
    form = dossier.files.get(kind=DossierFile.Kind.FORM)
    assert form.original_name.startswith("mau-03-")
    assert form.file.open("rb").read(5) == b"%PDF-"


def test_supplement_round_trip(dossier, reception, specialist) -> None:
    component = dossier.procedure.components.first()
    dossier_accept(dossier=dossier, actor=reception)
    dossier_request_supplement(
        dossier=dossier, actor=specialist, component_ids=[component.pk], reason="Ảnh mờ"
    )
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert open_supplement_request(dossier=dossier).component_ids == [component.pk]
    assert dossier.files.filter(
        kind=DossierFile.Kind.FORM, original_name__startswith="mau-02-"
    ).exists()
    with pytest.raises(ValidationError, match="đủ các thành phần"):
        dossier_supplement_submit(dossier=dossier, by=dossier.owner, files={})
    dossier_supplement_submit(
        dossier=dossier,
        by=dossier.owner,
        files={component.pk: [pdf_upload("ro-net.pdf")]},
    )
    assert dossier.status == DossierStatus.ACCEPTED
    assert dossier.files.filter(kind=DossierFile.Kind.SUPPLEMENT).count() == 1


def test_staff_of_another_agency_cannot_act(dossier, agency_tree, make_staff) -> None:
    outsider = make_staff("ngoai", agency=agency_tree["ict"], role=Role.RECEPTION)
    with pytest.raises(PermissionDenied):
        dossier_accept(dossier=dossier, actor=outsider)
    assert dossier.status == DossierStatus.NEW


def test_specialist_cannot_accept_at_the_counter(dossier, specialist) -> None:
    with pytest.raises(PermissionDenied):
        dossier_accept(dossier=dossier, actor=specialist)


def test_staff_screens_are_scoped_to_the_agency(
    dossier, agency_tree, make_staff, verified_client
) -> None:
    mine = verified_client(
        make_staff("tn", agency=agency_tree["ward"], role=Role.RECEPTION)
    )
    assert dossier.code in mine.get("/backoffice/ho-so/").content.decode()
    assert mine.get(f"/backoffice/ho-so/{dossier.code}/").status_code == 200
    other = verified_client(
        make_staff("ngoai", agency=agency_tree["ict"], role=Role.RECEPTION)
    )
    assert dossier.code not in other.get("/backoffice/ho-so/").content.decode()
    assert other.get(f"/backoffice/ho-so/{dossier.code}/").status_code == 404
    file_id = dossier.files.first().pk
    assert (
        other.get(f"/backoffice/ho-so/{dossier.code}/tep/{file_id}/").status_code == 404
    )
    response = other.post(
        f"/backoffice/ho-so/{dossier.code}/thao-tac/", {"action": "accept"}
    )
    assert response.status_code == 404


def test_the_receipt_is_signed_only_after_every_file_is_checked(
    dossier, agency_pki, celery_eager
) -> None:
    """Art. 13: acknowledge after confirming validity (issue 8.14)."""
    from backoffice.dossiers.tasks import issue_dossier_receipt

    submitted = dossier.files.filter(kind=DossierFile.Kind.SUBMITTED)
    assert submitted.filter(checked_at__isnull=True).count() == submitted.count() > 0
    issue_dossier_receipt.apply(args=[dossier.pk])
    receipt = dossier.files.get(kind=DossierFile.Kind.RECEIPT)
    checked = list(submitted.values_list("checked_at", flat=True))
    assert all(at is not None and at <= receipt.uploaded_at for at in checked)


def test_supplement_files_are_checked_too(
    dossier, reception, specialist, django_capture_on_commit_callbacks
) -> None:
    from backoffice.core.models import OutboxMessage

    component = dossier.procedure.components.first()
    dossier_accept(dossier=dossier, actor=reception)
    dossier_request_supplement(
        dossier=dossier, actor=specialist, component_ids=[component.pk], reason="Mờ"
    )
    before = OutboxMessage.objects.filter(
        task="backoffice.dossiers.tasks.check_dossier_files"
    ).count()
    with django_capture_on_commit_callbacks(execute=False):
        dossier_supplement_submit(
            dossier=dossier,
            by=dossier.owner,
            files={component.pk: [pdf_upload("ro-net.pdf")]},
        )
    assert (
        OutboxMessage.objects.filter(
            task="backoffice.dossiers.tasks.check_dossier_files", args=[dossier.pk]
        ).count()
        == before + 1
    )
