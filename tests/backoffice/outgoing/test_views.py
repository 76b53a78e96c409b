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
    office,
    pkcs12_keys,
    verified_client,
    django_capture_on_commit_callbacks,
    celery_eager,
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


def _registered_incoming(agency, number=7, status="assigned"):
    import datetime as dt

    from django.utils import timezone

    from backoffice.incoming.models import IncomingDocument

    moment = timezone.now()
    return IncomingDocument.objects.create(
        agency=agency,
        via="upload",
        source_ref=f"test-{number}",
        status=status,
        delivered_at=moment,
        received_at=moment,
        incoming_number=number,
        year=moment.year,
        registered_at=moment,
        number_symbol="12/UBND-VP",
        issued_on=dt.date(2026, 11, 2),
        subject="Đề nghị báo cáo tình hình",
    )


# Assigned by the leader: answering it closes its handling at release (a document
# not yet assigned stays with the leader's routing).
def test_a_draft_answers_an_incoming_document_and_release_closes_it(
    office,
    pkcs12_keys,
    verified_client,
    django_capture_on_commit_callbacks,
    celery_eager,
):
    from backoffice.incoming.constants import IncomingStatus

    incoming = _registered_incoming(office.agency)
    other = _registered_incoming(office.tree["ward"], number=8)
    specialist = verified_client(office.specialist)
    page = specialist.get(f"/backoffice/van-ban-di/soan-thao/?tra-loi={incoming.pk}")
    html = page.content.decode()
    assert f'<option value="{incoming.pk}" selected>' in html
    assert f'<option value="{other.pk}"' not in html  # another agency's document

    refused = specialist.post(
        "/backoffice/van-ban-di/soan-thao/", _draft_post(office, reply_to=other.pk)
    )
    assert refused.status_code == 200
    assert not OutgoingDocument.objects.exists()

    specialist.post(
        "/backoffice/van-ban-di/soan-thao/", _draft_post(office, reply_to=incoming.pk)
    )
    document = OutgoingDocument.objects.get()
    assert document.reply_to_id == incoming.pk
    url = f"/backoffice/van-ban-di/{document.pk}/"
    specialist.post(url + "thao-tac/", {"action": "submit"})
    verified_client(office.leader).post(url + "thao-tac/", {"action": "approve"})
    with django_capture_on_commit_callbacks(execute=True):
        verified_client(office.clerk).post(url + "thao-tac/", {"action": "release"})
    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.DONE
    assert "Đã trả lời bằng văn bản" in incoming.outcome
