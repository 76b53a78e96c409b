"""Documents in the Wagtail admin: metadata and PDF with the page; publication
through Wagtail's moderation workflow."""

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

import search
from backoffice.core.constants import Role
from backoffice.documents.models import OfficialDocument
from backoffice.signatures.signing import pdf_sign
from portal.models import OfficialDocumentPage
from tests.fixtures.documents import document_input, document_pdf

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


@pytest.fixture
def editor(make_staff, agency_tree, verified_client):
    user = make_staff("bientap", agency=agency_tree["province"], role=Role.ADMIN)
    user.is_superuser = True
    user.save()
    return verified_client(user)


def form(pdf: bytes | None, **overrides) -> dict:
    data = {
        "title": "Quyết định 15/2016/QĐ-UBND",
        "slug": "15-2016-qd-ubnd",
        "number_symbol": "15/2016/QĐ-UBND",
        "document_type": "quyet-dinh",
        "issuer": "Ủy ban nhân dân tỉnh Sóc Trăng",
        "signer_name": "",
        "signer_position": "",
        "issued_date": "2016-07-14",
        "effective_date": "2016-07-25",
        "doc_field": "Văn thư, lưu trữ",
        "subject": "Ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử",
        "legal_status": "in-force",
        "replaced_by": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    if pdf is not None:
        data["pdf"] = SimpleUploadedFile("qd.pdf", pdf, "application/pdf")
    data.update(overrides)
    return data


def add_url(library) -> str:
    return f"/admin/pages/add/portal/officialdocumentpage/{library.pk}/"


def test_the_add_form_asks_for_the_document(editor, library):
    html = editor.get(add_url(library)).content.decode()
    for label in ("Số, ký hiệu", "Loại văn bản", "Trích yếu", "Tệp PDF"):
        assert label in html


def test_submitting_for_moderation_saves_the_record_but_publishes_nothing(
    editor,
    library,
    library_index,
    test_pki,
    trust_root,
    django_capture_on_commit_callbacks,
):
    signed = pdf_sign(pdf_bytes=document_pdf(document_input()), signer=test_pki.agency)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(add_url(library), form(signed, **{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = OfficialDocumentPage.objects.get()
    assert page.live is False
    assert page.workflow_in_progress
    document = page.official_document
    assert document.signature_verdict == "valid"
    assert document.files.get().signatures[0]["issuer_chain"]
    assert search.count("documents") == 0  # not public until approved

    # The moderator approves: the page goes live and into the search index.
    task_state = page.current_workflow_task_state
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
            {"comment": ""},
        )
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live is True
    assert search.count("documents") == 1


def test_publishing_and_unpublishing_from_the_admin(
    editor, library, library_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            add_url(library),
            form(document_pdf(document_input()), **{"action-publish": "1"}),
        )
    page = OfficialDocumentPage.objects.get()
    assert page.live and search.count("documents") == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"/admin/pages/{page.pk}/unpublish/", {})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live is False and search.count("documents") == 0


@pytest.mark.parametrize(
    ("pdf", "overrides", "message"),
    [
        (b"%PDF-1.4 broken", {}, "bị hỏng"),
        (None, {}, "Hãy chọn tệp PDF"),
        (b"ok", {"number_symbol": "15/2016/NĐ-CP"}, "Ký hiệu văn bản không hợp lệ"),
        (b"ok", {"legal_status": "replaced"}, "phải chỉ ra văn bản thay thế"),
    ],
)
def test_bad_input_is_shown_and_nothing_is_saved(
    editor, library, library_index, pdf, overrides, message
):
    if pdf == b"ok":
        pdf = document_pdf(document_input())
    response = editor.post(
        add_url(library), form(pdf, **overrides, **{"action-publish": "1"})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert OfficialDocument.objects.count() == 0
    assert OfficialDocumentPage.objects.count() == 0


def test_editing_keeps_the_file_when_none_is_uploaded(
    editor, library, library_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(
            add_url(library),
            form(document_pdf(document_input()), **{"action-publish": "1"}),
        )
    page = OfficialDocumentPage.objects.get()
    sha256 = page.official_document.files.get().sha256
    html = editor.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "15/2016/QĐ-UBND" in html  # the form shows the record's metadata
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/admin/pages/{page.pk}/edit/",
            form(None, subject="Trích yếu đã sửa", **{"action-publish": "1"}),
        )
    assert response.status_code == 302
    document = OfficialDocument.objects.get()
    assert document.subject == "Trích yếu đã sửa"
    assert list(document.files.values_list("sha256", flat=True)) == [sha256]


def test_a_clerk_submits_and_a_leader_of_the_agency_approves(
    make_staff,
    agency_tree,
    verified_client,
    library,
    library_index,
    django_capture_on_commit_callbacks,
):
    clerk = verified_client(
        make_staff("vanthu", agency=agency_tree["province"], role=Role.CLERK)
    )
    leader = verified_client(
        make_staff("lanhdao", agency=agency_tree["province"], role=Role.LEADER)
    )
    pdf = document_pdf(document_input())
    # A clerk may not publish directly: the publish action is refused.
    clerk.post(add_url(library), form(pdf, **{"action-publish": "1"}))
    assert not OfficialDocumentPage.objects.filter(live=True).exists()
    OfficialDocumentPage.objects.all().delete()
    OfficialDocument.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(add_url(library), form(pdf, **{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = OfficialDocumentPage.objects.get()
    assert not page.live and page.workflow_in_progress
    task_state = page.current_workflow_task_state
    with django_capture_on_commit_callbacks(execute=True):
        leader.post(
            f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/",
            {"comment": "Đồng ý đăng tải."},
        )
    page.refresh_from_db()
    assert page.live
    assert search.count("documents") == 1
