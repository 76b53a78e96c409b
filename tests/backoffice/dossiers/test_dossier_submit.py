import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.services import Applicant, dossier_submit, dossier_transition
from tests.fixtures.databases import postgresql_only

VN = ZoneInfo("Asia/Ho_Chi_Minh")

pytestmark = pytest.mark.django_db


def submit(procedure, agency, applicant, files, **kwargs) -> Dossier:
    return dossier_submit(
        procedure=procedure,
        agency=agency,
        channel=kwargs.pop("channel", Channel.ONLINE),
        applicant=applicant,
        files=files,
        **kwargs,
    )


def test_submission_gets_code_receipt_time_due_date_and_history(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    # Friday 16:30: inside office hours; 3 working days → Wednesday 16:30.
    now = dt.datetime(2026, 12, 4, 16, 30, tzinfo=VN)
    dossier = submit(
        birth_registration, agency_tree["ward"], applicant, complete_files, now=now
    )
    assert dossier.code == "000.01.31.H53-20261204-0000001"
    assert dossier.received_at == now
    assert dossier.due_at == dt.datetime(2026, 12, 9, 16, 30, tzinfo=VN)
    assert dossier.status == DossierStatus.NEW
    assert list(dossier.events.values_list("status", flat=True)) == [DossierStatus.NEW]
    assert dossier.files.count() == 2
    stored = dossier.files.first()
    assert default_storage.exists(stored.file.name)
    assert AuditLogEntry.objects.filter(
        action="dossier.submitted", object_id=str(dossier.pk)
    ).exists()
    second = submit(
        birth_registration, agency_tree["ward"], applicant, complete_files, now=now
    )
    assert second.code == "000.01.31.H53-20261204-0000002"
    assert second.lookup_secret != dossier.lookup_secret


def test_submission_after_hours_is_received_next_office_period(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    saturday = dt.datetime(2026, 12, 5, 10, 0, tzinfo=VN)
    dossier = submit(
        birth_registration, agency_tree["ward"], applicant, complete_files, now=saturday
    )
    assert dossier.received_at == dt.datetime(2026, 12, 7, 7, 0, tzinfo=VN)
    assert dossier.code.endswith("-20261207-0000001")
    assert dossier.due_at == dt.datetime(2026, 12, 10, 7, 0, tzinfo=VN)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "12345"}, "applicant_id_number"),
        ({"id_number": "09409500123a"}, "applicant_id_number"),
        ({"name": ""}, "applicant_name"),
        ({"email": "not-an-email"}, "applicant_email"),
        ({"representative_id_number": "1"}, "representative_id_number"),
    ],
)
def test_bad_applicant_data_is_refused_and_nothing_is_stored(
    birth_registration, agency_tree, applicant, complete_files, change, field
) -> None:
    bad = Applicant(**{**applicant.__dict__, **change})
    with pytest.raises(ValidationError) as excinfo:
        submit(birth_registration, agency_tree["ward"], bad, complete_files)
    assert field in excinfo.value.message_dict
    assert not Dossier.objects.exists()
    assert not DossierFile.objects.exists()


def test_missing_required_component_is_refused_online_but_not_at_the_counter(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    first = next(iter(complete_files))
    partial = {first: complete_files[first]}
    with pytest.raises(ValidationError, match="Chưa có tệp cho thành phần bắt buộc"):
        submit(birth_registration, agency_tree["ward"], applicant, partial)
    assert not Dossier.objects.exists()
    dossier = submit(
        birth_registration, agency_tree["ward"], applicant, {}, channel=Channel.COUNTER
    )
    assert dossier.channel == Channel.COUNTER


def test_wrong_agency_or_foreign_component_is_refused(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    with pytest.raises(ValidationError, match="không tiếp nhận thủ tục"):
        submit(birth_registration, agency_tree["ict"], applicant, complete_files)
    with pytest.raises(ValidationError, match="không thuộc thủ tục"):
        submit(
            birth_registration,
            agency_tree["ward"],
            applicant,
            {**complete_files, 999999: []},
        )
    assert not Dossier.objects.exists()


def test_component_formats_are_enforced(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    from tests.fixtures.dossiers import pdf_upload

    component = birth_registration.components.get(
        name="Giấy chứng sinh"
    )  # pdf, jpg only
    component.accepted_formats = "jpg"
    component.save()
    with pytest.raises(ValidationError, match="chỉ nhận jpg"):
        submit(
            birth_registration,
            agency_tree["ward"],
            applicant,
            {**complete_files, component.pk: [pdf_upload()]},
        )


def test_a_heic_photo_counts_as_the_jpg_a_component_accepts(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    import dataclasses

    from tests.fixtures.dossiers import checked_upload

    component = birth_registration.components.get(name="Giấy chứng sinh")
    component.accepted_formats = "jpg"
    component.save()
    photo = dataclasses.replace(
        checked_upload(b"\x00\x00\x00\x18ftypheic", name="giay-chung-sinh.heic"),
        media_type="image/heic",
        extension="heic",
        pages=1,
    )
    dossier = submit(
        birth_registration,
        agency_tree["ward"],
        applicant,
        {**complete_files, component.pk: [photo]},
    )
    assert dossier.files.filter(original_name="giay-chung-sinh.heic").exists()
    # A PDF is still refused there.
    from tests.fixtures.dossiers import pdf_upload

    with pytest.raises(ValidationError, match="chỉ nhận jpg"):
        submit(
            birth_registration,
            agency_tree["ward"],
            applicant,
            {**complete_files, component.pk: [pdf_upload()]},
        )


# Outside a test transaction, as every caller runs it: the submission's own
# transaction is the one that fails.
@pytest.mark.django_db(transaction=True)
def test_a_failed_transaction_gives_its_number_back_and_leaves_no_file(
    birth_registration, agency_tree, applicant, complete_files, monkeypatch
) -> None:
    import backoffice.dossiers.services as services

    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    now = dt.datetime(2026, 12, 4, 9, 0, tzinfo=VN)
    with pytest.raises(RuntimeError):
        submit(
            birth_registration, agency_tree["ward"], applicant, complete_files, now=now
        )
    assert not Dossier.objects.exists()
    folder = "dossiers/000.01.31.H53-20261204-0000001/originals"
    leftovers = (
        default_storage.listdir(folder)[1] if default_storage.exists(folder) else []
    )
    assert leftovers == []
    monkeypatch.undo()
    dossier = submit(
        birth_registration, agency_tree["ward"], applicant, complete_files, now=now
    )
    assert dossier.code.endswith("-0000001")


def test_transitions_follow_the_table(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    dossier = submit(birth_registration, agency_tree["ward"], applicant, complete_files)
    with pytest.raises(ValidationError, match="Không thể chuyển"):
        dossier_transition(
            dossier=dossier, to=DossierStatus.RESULT_RETURNED, actor=None
        )
    dossier_transition(dossier=dossier, to=DossierStatus.ACCEPTED, actor=None)
    dossier_transition(dossier=dossier, to=DossierStatus.PROCESSING, actor=None)
    dossier_transition(dossier=dossier, to=DossierStatus.DONE, actor=None)
    dossier_transition(dossier=dossier, to=DossierStatus.RESULT_RETURNED, actor=None)
    assert dossier.finished_at is not None
    assert list(dossier.events.values_list("status", flat=True)) == [1, 2, 4, 9, 10]
    with pytest.raises(ValidationError):
        dossier_transition(dossier=dossier, to=DossierStatus.PROCESSING, actor=None)


def test_supplement_wait_moves_the_due_date(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    monday = dt.datetime(2026, 11, 30, 9, 0, tzinfo=VN)
    dossier = submit(
        birth_registration, agency_tree["ward"], applicant, complete_files, now=monday
    )
    assert dossier.due_at == dt.datetime(2026, 12, 3, 9, 0, tzinfo=VN)
    dossier_transition(
        dossier=dossier, to=DossierStatus.ACCEPTED, actor=None, now=monday
    )
    dossier_transition(
        dossier=dossier,
        to=DossierStatus.SUPPLEMENT_REQUESTED,
        actor=None,
        now=dt.datetime(2026, 12, 1, 10, 0, tzinfo=VN),
    )
    # The citizen answers on Friday: Wed, Thu, Fri were waited → due moves 3 days.
    dossier_transition(
        dossier=dossier,
        to=DossierStatus.PROCESSING,
        actor=None,
        now=dt.datetime(2026, 12, 4, 8, 0, tzinfo=VN),
    )
    assert dossier.due_at == dt.datetime(2026, 12, 8, 9, 0, tzinfo=VN)


def test_status_history_is_append_only(
    birth_registration, agency_tree, applicant, complete_files
) -> None:
    dossier = submit(birth_registration, agency_tree["ward"], applicant, complete_files)
    event = dossier.events.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        dossier.events.all().delete()
    stored = dossier.files.first()
    with pytest.raises(PermissionError):
        stored.save()


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_two_hundred_concurrent_submissions_get_distinct_gap_free_codes(
    birth_registration, agency_tree, applicant
) -> None:
    ward = agency_tree["ward"]
    now = dt.datetime(2026, 12, 4, 9, 0, tzinfo=VN)

    def one(_: int) -> str:
        try:
            return submit(
                birth_registration,
                ward,
                applicant,
                {},
                channel=Channel.COUNTER,
                now=now,
            ).code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(one, range(200)))
    assert len(set(codes)) == 200
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 201))
    assert transaction.get_autocommit()
