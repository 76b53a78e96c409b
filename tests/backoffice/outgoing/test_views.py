"""The outgoing desk over HTTP: scoped pages, one service per action, search."""

from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice.outgoing.constants import OutgoingStatus
from backoffice.outgoing.models import OutgoingDocument

from .conftest import main_pdf


def _draft_post(office, **overrides):
    data = {
        "agency": office.agency.pk,
        "document_type": "cong-van",
        "subject": "Về việc triển khai chữ ký số chuyên dùng",
        "issuer_symbol": "STP",
        "drafting_unit_symbol": "VP",
        "urgency": "thuong",
        "confidentiality": "thuong",
        "copies": "2",
        "recipient_emails": "vanthu@example.vn",
        "main": SimpleUploadedFile("du-thao.pdf", main_pdf().content),
    }
    data.update(overrides)
    return data


def test_draft_approve_release_search_and_register_over_http(
    office, pkcs12_keys, verified_client, django_capture_on_commit_callbacks
):
    specialist = verified_client(office.specialist)
    response = specialist.post("/backoffice/van-ban-di/soan-thao/", _draft_post(office))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = OutgoingDocument.objects.get()
    url = f"/backoffice/van-ban-di/{document.pk}/"
    specialist.post(url + "thao-tac/", {"action": "submit"})

    leader = verified_client(office.leader)
    page = leader.get(url).content.decode()
    assert 'id="approve"' in page
    leader.post(url + "thao-tac/", {"action": "approve", "comment": "Đồng ý"})

    clerk = verified_client(office.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(url + "thao-tac/", {"action": "release"})
    document.refresh_from_db()
    assert document.status == OutgoingStatus.RELEASED
    assert document.number_symbol == "01/STP-VP"

    found = clerk.get("/backoffice/van-ban-di/", {"q": "chữ ký số chuyên dùng"})
    assert "01/STP-VP" in found.content.decode()
    register = clerk.get("/backoffice/van-ban-di/so/")
    assert "01/STP-VP" in register.content.decode()
    xlsx = clerk.get("/backoffice/van-ban-di/so/", {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    signed = document.files.get(kind="signed")
    pdf = clerk.get(f"{url}tep/{signed.pk}/")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_a_bad_file_is_refused_in_the_form(office, verified_client):
    client = verified_client(office.specialist)

    response = client.post(
        "/backoffice/van-ban-di/soan-thao/",
        _draft_post(office, main=SimpleUploadedFile("a.pdf", b"not a pdf")),
    )

    assert response.status_code == 200
    assert "không phải tệp PDF" in response.content.decode()
    assert not OutgoingDocument.objects.exists()


def test_other_agencies_do_not_see_the_document(office, verified_client):
    from backoffice.outgoing.services import outgoing_draft_create

    from .conftest import draft_input

    document = outgoing_draft_create(
        agency=office.agency,
        actor=office.specialist,
        data=draft_input(),
        main=main_pdf(),
    )
    other = verified_client(office.other_leader)

    assert other.get(f"/backoffice/van-ban-di/{document.pk}/").status_code == 404
    response = other.post(
        f"/backoffice/van-ban-di/{document.pk}/thao-tac/", {"action": "approve"}
    )
    assert response.status_code == 404
