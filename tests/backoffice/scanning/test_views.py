"""Counter pages over HTTP: staff with 2FA, scoped to where they receive dossiers."""

import io

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.models import DossierFile
from backoffice.scanning.constants import BatchStatus, ReviewState
from backoffice.scanning.models import ScanBatch

from . import counter_helpers
from .counter_helpers import scan_of

pytestmark = pytest.mark.django_db

# Fixtures shared by the counter tests.
counter_dossier = counter_helpers.counter_dossier
fast_scans = counter_helpers.fast_scans
officer = counter_helpers.officer


def test_counter_pages_need_the_reception_role(
    verified_client, make_staff, agency_tree
) -> None:
    specialist = make_staff("cv", agency=agency_tree["ward"], role=Role.SPECIALIST)
    client = verified_client(specialist)
    assert client.get("/backoffice/tiep-nhan/").status_code == 403
    assert client.get("/backoffice/tiep-nhan/xem-lai/").status_code == 403


def test_upload_runs_and_progress_endpoint_reports(
    verified_client,
    officer,
    counter_dossier,
    tmp_path,
    fast_scans,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    client = verified_client(officer)
    path = scan_of(
        counter_dossier, ["text", "cover", ("sep", 1), "text"], tmp_path / "q.pdf"
    )
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/quet/",
            {"scan": handle},
        )
    batch = ScanBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#lo-{batch.pk}")
    progress = client.get(f"/backoffice/tiep-nhan/lo-quet/{batch.pk}/tien-do/").json()
    assert progress == {
        "id": batch.pk,
        "status": BatchStatus.DONE,
        "status_label": "Hoàn tất",
        "pages_done": 4,
        "pages_total": 4,
        "percent": 100,
        "finished": True,
        "error": "",
        "review_pages": 1,
    }
    page = client.get(response["Location"]).content.decode()
    assert 'aria-valuenow="100"' in page
    assert f"{counter_dossier.code}-1.001193-tp01-lo{batch.pk}.pdf" in page
    detail = client.get(f"/backoffice/tiep-nhan/lo-quet/{batch.pk}/").content.decode()
    thumb = batch.pages.get(index=0)
    assert f"/backoffice/tiep-nhan/trang/{thumb.pk}/anh/" in detail
    image = client.get(f"/backoffice/tiep-nhan/trang/{thumb.pk}/anh/")
    assert image.status_code == 200 and image["Content-Type"].startswith("image/")


def test_bad_upload_shows_error_and_stores_nothing(
    verified_client, officer, counter_dossier
) -> None:
    client = verified_client(officer)
    upload = io.BytesIO(b"PK\x03\x04 not a scan")
    upload.name = "ho-so.pdf"
    response = client.post(
        f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/quet/",
        {"scan": upload},
        follow=True,
    )
    assert "không phải định dạng được hỗ trợ" in response.content.decode()
    assert not ScanBatch.objects.exists()
    response = client.post(
        f"/backoffice/tiep-nhan/ho-so/{counter_dossier.code}/quet/", {}, follow=True
    )
    assert "Hãy chọn tệp quét" in response.content.decode()


def test_progress_of_another_agency_batch_is_hidden(
    verified_client, make_staff, agency_tree, officer, counter_dossier, tmp_path
) -> None:
    from backoffice.scanning.services import scan_batch_create

    path = scan_of(counter_dossier, ["cover"], tmp_path / "a.pdf")
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="a.pdf",
        content=path.read_bytes(),
    )
    outsider = make_staff("tn3", agency=agency_tree["justice"], role=Role.RECEPTION)
    client = verified_client(outsider)
    assert (
        client.get(f"/backoffice/tiep-nhan/lo-quet/{batch.pk}/tien-do/").status_code
        == 404
    )
    assert client.get(f"/backoffice/tiep-nhan/lo-quet/{batch.pk}/").status_code == 404


@pytest.fixture
def queued(officer, counter_dossier, tmp_path, fast_scans) -> ScanBatch:
    from backoffice.scanning.services import scan_batch_create, scan_batch_run

    path = scan_of(
        counter_dossier,
        ["text", "text", "text", "cover", ("sep", 1), "text"],
        tmp_path / "r.pdf",
    )
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="r.pdf",
        content=path.read_bytes(),
    )
    return scan_batch_run(batch_id=batch.pk)


def test_review_queue_assign_and_discard(
    verified_client, officer, counter_dossier, queued
) -> None:
    client = verified_client(officer)
    page = client.get("/backoffice/tiep-nhan/xem-lai/").content.decode()
    assert page.count('class="review-page"') == 3
    assert "Trang trước tờ bìa đầu tiên" in page
    response = client.post(
        "/backoffice/tiep-nhan/xem-lai/",
        {
            "batch": queued.pk,
            "first": 1,
            "last": 2,
            "action": "assign",
            "dossier_code": counter_dossier.code,
            "position": 2,
        },
        follow=True,
    )
    assert "Đã gán trang 1–2 vào hồ sơ" in response.content.decode()
    record = counter_dossier.files.get(source=DossierFile.Source.REVIEW)
    assert record.component == counter_dossier.procedure.components.all()[1]
    response = client.post(
        "/backoffice/tiep-nhan/xem-lai/",
        {"batch": queued.pk, "first": 3, "last": 3, "action": "discard"},
        follow=True,
    )
    assert "Đã loại bỏ 1 trang" in response.content.decode()
    assert not queued.pages.filter(review_state=ReviewState.PENDING).exists()
    assert "Không có trang nào chờ xem lại" in response.content.decode()
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"scan_pages.assigned", "scan_pages.discarded"} <= actions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"dossier_code": "KHONG-CO", "position": 1}, "Không tìm thấy hồ sơ"),
        ({"position": 9}, "chỉ có 2 thành phần"),
        ({"first": 3, "last": 1}, "Trang cuối phải lớn hơn"),
        ({"dossier_code": ""}, "Hãy nhập mã hồ sơ"),
        ({"first": 4, "last": 4}, "không nằm trong hàng chờ"),
    ],
)
def test_review_bad_decisions_change_nothing(
    verified_client, officer, counter_dossier, queued, data, message
) -> None:
    client = verified_client(officer)
    form = {
        "batch": queued.pk,
        "first": 1,
        "last": 1,
        "action": "assign",
        "dossier_code": counter_dossier.code,
        "position": 1,
        **data,
    }
    response = client.post("/backoffice/tiep-nhan/xem-lai/", form, follow=True)
    assert message in response.content.decode()
    assert queued.pages.filter(review_state=ReviewState.PENDING).count() == 3
    assert not counter_dossier.files.filter(source=DossierFile.Source.REVIEW).exists()
