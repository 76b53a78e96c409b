"""PDFs with active content: refused at upload, or kept and shown to staff cleaned."""

import hashlib
import io

from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from backoffice.core.constants import Role
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.models import Dossier, DossierFile, DraftFile
from backoffice.dossiers.services import dossier_submit
from backoffice.dossiers.uploads import (
    CheckedUpload,
    UploadRejected,
    check_upload,
    pdf_active_content,
    pdf_sanitised,
)
from tests.fixtures.dossiers import checked_upload
from tests.fixtures.uploads import (
    SCRIPT,
    form_data,
    open_action_js_pdf,
    real_pdf,
    stored_files,
)

pytestmark = pytest.mark.django_db


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def embedded_file_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(real_pdf())))
    writer.add_attachment("chay-toi.exe", b"MZ\x90\x00 not really a program")
    return _write(writer)


def page_action_pdf() -> bytes:
    """JavaScript on a page's open action (/AA), not on the document."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(real_pdf())))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(SCRIPT),
        }
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    return _write(writer)


def go_to_first_page_pdf() -> bytes:
    """An /OpenAction that only chooses the page shown first: not active."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(real_pdf())))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject(
                [writer.pages[0].indirect_reference, NameObject("/Fit")]
            ),
        }
    )
    return _write(writer)


# --- Detection and the clean copy --------------------------------------------


def test_a_plain_pdf_has_no_active_content() -> None:
    assert pdf_active_content(real_pdf()) == []
    assert pdf_active_content(go_to_first_page_pdf()) == []


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (open_action_js_pdf, {"OpenAction", "JavaScript", "JS"}),
        (embedded_file_pdf, {"EmbeddedFiles"}),
        (page_action_pdf, {"AA", "JavaScript", "JS"}),
    ],
    ids=["open action", "embedded file", "page action"],
)
def test_active_content_is_found(build, expected) -> None:
    assert expected <= set(pdf_active_content(build()))


def test_an_escaped_name_does_not_hide_javascript() -> None:
    # "/J#61vaScript" is "/JavaScript" to a PDF viewer.
    content = open_action_js_pdf().replace(b"/JavaScript", b"/J#61vaScript")
    assert b"/JavaScript" not in content
    assert "JavaScript" in pdf_active_content(content)


@pytest.mark.parametrize(
    "build", [open_action_js_pdf, embedded_file_pdf, page_action_pdf]
)
def test_the_clean_copy_keeps_the_pages_and_drops_the_rest(build) -> None:
    original = build()
    before = bytes(original)
    clean = pdf_sanitised(original)
    assert original == before  # the input is not touched
    assert pdf_active_content(clean) == []
    assert b"/JavaScript" not in clean and SCRIPT.encode() not in clean
    reader = PdfReader(io.BytesIO(clean))
    assert len(reader.pages) == 1
    assert "Nguyễn Văn An" in reader.pages[0].extract_text()


# --- At upload ----------------------------------------------------------------


def test_check_upload_refuses_active_content_by_default() -> None:
    with pytest.raises(UploadRejected) as refused:
        check_upload(name="to-khai.pdf", content=open_action_js_pdf())
    assert refused.value.code == "active_content"
    assert "to-khai.pdf" in refused.value.message
    assert "nội dung chủ động" in refused.value.message


def test_an_unknown_mode_is_a_configuration_error(settings) -> None:
    settings.UPLOAD_ACTIVE_CONTENT = "strip"
    with pytest.raises(ImproperlyConfigured, match="UPLOAD_ACTIVE_CONTENT"):
        check_upload(name="to-khai.pdf", content=open_action_js_pdf())


def test_the_wizard_refuses_it_and_stores_nothing(
    signed_in_citizen,
    birth_registration,
    settings,
) -> None:
    response = signed_in_citizen.post(
        f"/nop-ho-so/{birth_registration.code}/",
        form_data(
            birth_registration,
            c0=SimpleUploadedFile("to-khai.pdf", open_action_js_pdf()),
        ),
    )
    assert response.status_code == 200  # the form again, with the error
    page = response.content.decode()
    assert "nội dung chủ động" in page and "JavaScript" in page
    assert not DraftFile.objects.exists()
    assert not Dossier.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


# --- Sanitise mode: the original is kept, staff see a clean copy --------------


@pytest.fixture
def sanitise(settings) -> None:
    settings.UPLOAD_ACTIVE_CONTENT = "sanitise"


def test_sanitise_keeps_the_original_and_staff_get_a_clean_copy(
    sanitise,
    birth_registration,
    agency_tree,
    applicant,
    complete_files,
    make_staff,
    verified_client,
) -> None:
    original = open_action_js_pdf()
    checked = check_upload(name="to-khai.pdf", content=original)
    assert checked.content == original
    first = birth_registration.components.first()
    dossier = dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files={**complete_files, first.pk: [checked]},
    )
    record = dossier.files.get(original_name="to-khai.pdf")
    with record.file.open("rb") as handle:
        assert handle.read() == original
    assert record.sha256 == hashlib.sha256(original).hexdigest()

    specialist = make_staff("cv", agency=agency_tree["ward"], role=Role.SPECIALIST)
    client = verified_client(specialist)
    for _ in range(2):  # the second time from what the cache remembers
        response = client.get(f"/backoffice/ho-so/{dossier.code}/tep/{record.pk}/")
        assert response.status_code == 200
        served = b"".join(response.streaming_content)
        assert served.startswith(b"%PDF-")
        assert b"/JavaScript" not in served and b"/OpenAction" not in served
        assert pdf_active_content(served) == []
        assert len(PdfReader(io.BytesIO(served)).pages) == 1
        assert response["Content-Security-Policy"] == "sandbox"
    # Opening it changed nothing stored.
    record = DossierFile.objects.get(pk=record.pk)
    with record.file.open("rb") as handle:
        assert handle.read() == original


def _stored_unchecked(content: bytes, name: str = "cu.pdf") -> CheckedUpload:
    """A file stored before uploads were checked for active content."""
    return checked_upload(content, name=name)


@pytest.fixture
def legacy_dossier(birth_registration, agency_tree, applicant, complete_files):
    first = birth_registration.components.first()
    upload = _stored_unchecked(open_action_js_pdf())
    return dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files={**complete_files, first.pk: [upload]},
    )


def test_staff_get_a_clean_copy_of_an_older_file_in_refuse_mode_too(
    legacy_dossier, agency_tree, make_staff, verified_client
) -> None:
    record = legacy_dossier.files.get(original_name="cu.pdf")
    client = verified_client(make_staff("cv", agency=agency_tree["ward"]))
    response = client.get(f"/backoffice/ho-so/{legacy_dossier.code}/tep/{record.pk}/")
    served = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert b"/JavaScript" not in served and pdf_active_content(served) == []


def test_a_file_that_cannot_be_cleaned_is_not_served(
    legacy_dossier, agency_tree, make_staff, verified_client, monkeypatch
) -> None:
    from backoffice.dossiers import uploads

    def fails(content: bytes) -> bytes:
        raise uploads.PdfUnreadable("cannot")

    monkeypatch.setattr(uploads, "pdf_sanitised", fails)
    record = legacy_dossier.files.get(original_name="cu.pdf")
    client = verified_client(make_staff("cv", agency=agency_tree["ward"]))
    response = client.get(f"/backoffice/ho-so/{legacy_dossier.code}/tep/{record.pk}/")
    assert response.status_code == 409
    text = response.content.decode()
    assert "cu.pdf" in text and "không gỡ bỏ được" in text
    assert SCRIPT.encode() not in response.content
