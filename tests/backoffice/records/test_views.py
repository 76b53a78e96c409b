"""The records pages through HTTP: catalogue, filing, closing, download, and
another agency's staff kept out."""

import hashlib
import io
import zipfile

import pytest

from backoffice.records.constants import EFileStatus
from backoffice.records.models import CatalogueEntry, EFile
from backoffice.records.services import efile_open
from tests.fixtures.records import make_incoming

pytestmark = pytest.mark.django_db


def test_catalogue_page_adds_an_entry_refuses_duplicates_and_copies(
    desk, verified_client
) -> None:
    client = verified_client(desk.clerk)
    year = desk.entry.year
    url = f"/backoffice/luu-tru/?agency={desk.agency.code}&year={year}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Danh mục hồ sơ năm" in page.content.decode()
    data = {
        "agency": desk.agency.code,
        "year": year,
        "action": "add_entry",
        "code": "01.HC",
        "title": "Trùng mã",
        "retention": desk.permanent.pk,
    }
    answer = client.post("/backoffice/luu-tru/", data, follow=True)
    assert "đã có số, ký hiệu “01.HC”" in answer.content.decode()
    assert CatalogueEntry.objects.filter(agency=desk.agency).count() == 1
    answer = client.post(
        "/backoffice/luu-tru/",
        {"agency": desk.agency.code, "year": year + 1, "action": "copy_forward"},
        follow=True,
    )
    assert "Đã sao chép 1 đề mục" in answer.content.decode()


def test_file_page_files_closes_and_downloads(
    desk, verified_client, celery_eager, django_capture_on_commit_callbacks
) -> None:
    client = verified_client(desk.clerk)
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    incoming = make_incoming(desk.agency, 41)
    base = f"/backoffice/luu-tru/ho-so/{efile.pk}/"
    found = client.get(base, {"kind": "incoming", "q": "41/UBND"})
    assert "41/UBND-VP" in found.content.decode()
    client.post(
        base + "thao-tac/",
        {"action": "file", "kind": "incoming", "target": incoming.pk},
    )
    assert efile.items.count() == 1
    # Not confirmed: nothing happens.
    answer = client.post(base + "thao-tac/", {"action": "close"}, follow=True)
    assert EFile.objects.get(pk=efile.pk).status == EFileStatus.OPEN
    assert "Tôi xác nhận" in answer.content.decode()
    refused = client.post(base + "thao-tac/", {"action": "archive"}, follow=True)
    assert "đang mở" in refused.content.decode()
    assert not efile.packages.exists()
    client.post(base + "thao-tac/", {"action": "close", "confirm": "on"})
    assert EFile.objects.get(pk=efile.pk).status == EFileStatus.CLOSED
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(base + "thao-tac/", {"action": "archive"}, follow=True)
    assert "Đang tạo gói lưu trữ" in answer.content.decode()
    package = efile.packages.get()
    assert package.status == "ready"  # the eager worker built it on commit
    download = client.get(base + f"goi-luu-tru/{package.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == package.sha256
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert "manifest.json" in archive.namelist()
    outsider = verified_client(desk.outsider)
    assert outsider.get(base + f"goi-luu-tru/{package.pk}/").status_code == 404
    again = client.post(
        base + "thao-tac/",
        {
            "action": "file",
            "kind": "incoming",
            "target": make_incoming(desk.agency, 42).pk,
        },
        follow=True,
    )
    assert "đã đóng" in again.content.decode()
    assert efile.items.count() == 1


def test_other_agency_gets_404_and_no_catalogue(desk, verified_client) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    client = verified_client(desk.outsider)
    assert client.get(f"/backoffice/luu-tru/ho-so/{efile.pk}/").status_code == 404
    assert (
        client.post(
            f"/backoffice/luu-tru/ho-so/{efile.pk}/thao-tac/",
            {"action": "close", "confirm": "on"},
        ).status_code
        == 404
    )
    assert client.get(
        f"/backoffice/luu-tru/?agency={desk.agency.code}"
    ).status_code in (200, 403)
    page = client.get(f"/backoffice/luu-tru/?agency={desk.agency.code}")
    assert desk.entry.title not in page.content.decode()
    specialist = verified_client(desk.specialist)
    assert specialist.get("/backoffice/luu-tru/").status_code == 403
    assert specialist.get("/backoffice/luu-tru/de-xuat-huy/").status_code == 403
