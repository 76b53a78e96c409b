"""Issue 15: the wizard's error summary, files kept beside a refused one, steps."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pypdf import PdfWriter

from backoffice.dossiers.models import Dossier, DraftFile, SubmissionDraft
from tests.fixtures.uploads import form_data, real_pdf, stored_files

pytestmark = pytest.mark.django_db


def encrypted_pdf() -> bytes:
    import io

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def summary_links(html: str) -> list[str]:
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="#([^"]+)"', summary)


def test_a_good_file_beside_a_bad_one_is_kept_and_the_bad_one_is_not(
    signed_in_citizen, birth_registration, settings
) -> None:
    first, second = list(birth_registration.components.all())[:2]
    response = signed_in_citizen.post(
        f"/nop-ho-so/{birth_registration.code}/",
        form_data(
            birth_registration,
            c0=SimpleUploadedFile("to-khai.pdf", real_pdf()),
            c1=SimpleUploadedFile("giay-chung-sinh.pdf", encrypted_pdf()),
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    kept = DraftFile.objects.get()
    assert (kept.component_id, kept.name) == (first.pk, "to-khai.pdf")
    assert len(stored_files(settings.MEDIA_ROOT)) == 1
    # The summary sits above the form and links to the refused file's control.
    assert html.index('id="error-summary"') < html.index('class="wizard"')
    assert summary_links(html) == [f"id_component_{second.pk}"]
    assert 'role="alert"' in html and 'tabindex="-1"' in html
    assert "mật khẩu" in html
    assert "Các tệp đạt yêu cầu đã được giữ lại" in html and "to-khai.pdf" in html
    assert not Dossier.objects.exists()


def test_a_wrong_field_keeps_the_checked_file_but_not_the_wrong_answer(
    signed_in_citizen, birth_registration
) -> None:
    draft_before = SubmissionDraft.objects.filter(procedure=birth_registration).first()
    data = form_data(
        birth_registration, c0=SimpleUploadedFile("to-khai.pdf", real_pdf())
    )
    data["applicant_id_number"] = "12345"  # not a 12-digit personal ID number
    response = signed_in_citizen.post(f"/nop-ho-so/{birth_registration.code}/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert summary_links(html) == ["id_applicant_id_number"]
    assert DraftFile.objects.get().name == "to-khai.pdf"
    draft = SubmissionDraft.objects.get(procedure=birth_registration)
    assert draft.data.get("applicant_id_number") != "12345"
    if draft_before is not None:
        assert draft.data == draft_before.data
    # The field keeps what was typed, marked invalid for assistive technology.
    assert re.search(r'id="id_applicant_id_number"[^>]*aria-invalid="true"', html) or (
        re.search(r'aria-invalid="true"[^>]*id="id_applicant_id_number"', html)
    )


def test_every_error_is_listed_in_page_order(
    signed_in_citizen, birth_registration
) -> None:
    data = form_data(birth_registration)
    data.update(applicant_name="", applicant_email="khong-phai-email", action="review")
    data.pop("declaration")
    response = signed_in_citizen.post(f"/nop-ho-so/{birth_registration.code}/", data)
    links = summary_links(response.content.decode())
    required = [
        f"id_component_{c.pk}"
        for c in birth_registration.components.all()
        if c.required
    ]
    assert links == [
        "id_applicant_name",
        "id_applicant_email",
        *required,
        "id_declaration",
    ]
    assert not DraftFile.objects.exists()


def test_no_summary_without_errors_and_the_step_indicator_shows_the_step(
    signed_in_citizen, birth_registration
) -> None:
    html = signed_in_citizen.get(f"/nop-ho-so/{birth_registration.code}/").content
    html = html.decode()
    assert 'id="error-summary"' not in html
    current = re.findall(r'<li class="current" aria-current="step">\s*1\.', html)
    assert len(current) == 1
    assert "Bước 1/3" in html
    # Each component's upload check is announced (aria-live) next to its control.
    for component in birth_registration.components.all():
        assert (
            f'id="upload-status-{component.pk}" aria-live="polite" '
            f'data-upload-status-for="id_component_{component.pk}"'
        ) in html


def test_review_marks_the_first_step_done_and_the_second_current(
    signed_in_citizen, birth_registration
) -> None:
    signed_in_citizen.post(
        f"/nop-ho-so/{birth_registration.code}/",
        form_data(birth_registration, c0=SimpleUploadedFile("to-khai.pdf", real_pdf())),
    )
    html = signed_in_citizen.get(
        f"/nop-ho-so/{birth_registration.code}/xem-lai/"
    ).content.decode()
    assert re.search(r'<li class="done">\s*<span class="visually-hidden">', html)
    assert re.search(r'<li class="current" aria-current="step">\s*2\.', html)
    assert "Bước 2/3" in html
