"""The desk over HTTP: scoping, upload, register, refuse, assign, register export."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from openpyxl import load_workbook

from backoffice.incoming.constants import IncomingStatus
from backoffice.incoming.models import IncomingDocument
from backoffice.incoming.services import incoming_check
from tests.backoffice.incoming.conftest import reload

pytestmark = pytest.mark.django_db


def upload(client, desk, content: bytes, **extra):
    data = {
        "kind": "upload",
        "upload-agency": desk["agency"].pk,
        "upload-main": SimpleUploadedFile("cv.pdf", content, "application/pdf"),
        "upload-delivered_by": "Bưu điện tỉnh",
        **extra,
    }
    return client.post("/backoffice/van-ban-den/tiep-nhan/", data)


def test_the_clerk_receives_registers_and_the_leader_assigns(
    desk, pdfs, verified_client
) -> None:
    clerk = verified_client(desk["clerk"])
    response = upload(clerk, desk, pdfs["signed"])
    assert response.status_code == 302
    document = IncomingDocument.objects.get()
    assert response["Location"] == f"/backoffice/van-ban-den/{document.pk}/"
    incoming_check(document_id=document.pk)
    page = clerk.get(f"/backoffice/van-ban-den/{document.pk}/").content.decode()
    assert "Hợp lệ" in page and "Vào sổ văn bản đến" in page
    assert "15/UBND-VP" in page  # read from page 1
    response = clerk.post(
        f"/backoffice/van-ban-den/{document.pk}/thao-tac/",
        {
            "action": "register",
            "issuer_name": "UBND tỉnh Sóc Trăng",
            "number_symbol": "15/UBND-VP",
            "subject": "Triển khai tiếp nhận văn bản điện tử",
            "urgency": "thuong",
            "confidentiality": "thuong",
            "document_type": "cong-van",
        },
        follow=True,
    )
    assert "Đã vào sổ văn bản đến." in response.content.decode()
    document = reload(document)
    assert document.incoming_number == 1 and document.registered_by == desk["clerk"]
    leader = verified_client(desk["leader"])
    desk_page = leader.get("/backoffice/van-ban-den/?tab=to_assign").content.decode()
    assert "15/UBND-VP" in desk_page
    response = leader.post(
        f"/backoffice/van-ban-den/{document.pk}/thao-tac/",
        {
            "action": "assign",
            "lead": desk["specialist"].pk,
            "co_handlers": [desk["specialist2"].pk],
            "instruction": "Phòng CNTT chủ trì.",
            "handling_days": 3,
        },
        follow=True,
    )
    assert "Đã phân công xử lý." in response.content.decode()
    specialist = verified_client(desk["specialist"])
    mine = specialist.get("/backoffice/van-ban-den/?tab=mine").content.decode()
    assert "15/UBND-VP" in mine and "deadline-on-time" in mine
    response = specialist.post(
        f"/backoffice/van-ban-den/{document.pk}/thao-tac/",
        {"action": "done", "outcome": "Đã triển khai."},
    )
    assert reload(document).status == IncomingStatus.DONE


def test_a_bad_upload_shows_the_reason_and_stores_nothing(
    desk, verified_client
) -> None:
    clerk = verified_client(desk["clerk"])
    response = upload(clerk, desk, b"%PDF-1.4 \x00 broken")
    assert response.status_code == 200
    assert "bị hỏng" in response.content.decode()
    assert not IncomingDocument.objects.exists()


def test_registering_an_invalid_signature_without_a_reason_is_refused(
    desk, pdfs, verified_client
) -> None:
    clerk = verified_client(desk["clerk"])
    upload(clerk, desk, pdfs["tampered"])
    document = IncomingDocument.objects.get()
    incoming_check(document_id=document.pk)
    response = clerk.post(
        f"/backoffice/van-ban-den/{document.pk}/thao-tac/",
        {
            "action": "register",
            "issuer_name": "X",
            "subject": "Y",
            "urgency": "thuong",
            "confidentiality": "thuong",
        },
        follow=True,
    )
    assert "hãy từ chối văn bản" in response.content.decode()
    assert reload(document).incoming_number is None
    clerk.post(
        f"/backoffice/van-ban-den/{document.pk}/thao-tac/",
        {"action": "refuse", "reason": "Chữ ký số không hợp lệ"},
    )
    assert reload(document).status == IncomingStatus.REFUSED


def test_staff_of_other_agencies_and_specialists_do_not_see_the_desk_s_documents(
    desk, pdfs, verified_client
) -> None:
    upload(verified_client(desk["clerk"]), desk, pdfs["signed"])
    document = IncomingDocument.objects.get()
    clients = {name: verified_client(desk[name]) for name in ("outsider", "specialist")}
    for client in clients.values():
        assert client.get(f"/backoffice/van-ban-den/{document.pk}/").status_code == 404
        listing = client.get("/backoffice/van-ban-den/?tab=all").content.decode()
        assert "15/UBND-VP" not in listing
    outsider = clients["outsider"]
    response = upload(outsider, desk, pdfs["signed"])
    assert response.status_code == 200  # the agency is not one of theirs
    assert IncomingDocument.objects.count() == 1


def test_the_register_prints_and_exports(desk, pdfs, verified_client) -> None:
    clerk = verified_client(desk["clerk"])
    upload(clerk, desk, pdfs["signed"])
    document = IncomingDocument.objects.get()
    incoming_check(document_id=document.pk)
    from backoffice.incoming.services import incoming_register

    incoming_register(document=reload(document), actor=desk["clerk"])
    year = reload(document).year
    page = clerk.get(f"/backoffice/van-ban-den/so/?year={year}").content.decode()
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in page and "15/UBND-VP" in page
    response = clerk.get(f"/backoffice/van-ban-den/so/?year={year}&format=xlsx")
    assert response["Content-Disposition"].endswith(f'{year}.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=4, column=4).value == "15/UBND-VP"
    response = clerk.get(f"/backoffice/van-ban-den/so/?year={year}&format=pdf")
    assert response.content.startswith(b"%PDF")
    specialist = verified_client(desk["specialist"])
    assert specialist.get("/backoffice/van-ban-den/so/").status_code == 403


def test_search_finds_documents_by_text_only_within_the_user_s_agencies(
    desk, pdfs, verified_client, celery_eager, django_capture_on_commit_callbacks
) -> None:
    clerk = verified_client(desk["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(clerk, desk, pdfs["signed"])
    page = clerk.get("/backoffice/van-ban-den/?q=triển khai tiếp nhận").content.decode()
    assert "15/UBND-VP" in page
    outsider = verified_client(desk["outsider"])
    page = outsider.get(
        "/backoffice/van-ban-den/?q=triển khai tiếp nhận"
    ).content.decode()
    assert "15/UBND-VP" not in page
