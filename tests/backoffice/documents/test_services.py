"""Saving, publishing and unpublishing documents: verdicts, text, audit, index."""

import datetime as dt
import io
from pathlib import Path

import pytest
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw, ImageFont

import search
from backoffice.core.models import AuditLogEntry
from backoffice.documents.constants import LegalStatus
from backoffice.documents.models import DocumentFile, OfficialDocument, TextSource
from backoffice.documents.selectors import library_query_clean, library_search
from backoffice.documents.services import (
    DocumentRejected,
    PdfUpload,
    document_file_ocr,
    document_save,
    document_unpublish,
)
from backoffice.signatures.signing import pdf_sign
from tests.fixtures.documents import document_input, document_pdf
from tests.fixtures.signatures import DEJAVU, flip

# No trust root or signing file leaks in from the environment.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- signature verdicts, each with files signed by the test PKI -------------------


def test_signed_by_a_trusted_ca_is_valid_with_details(publish, test_pki, trust_root):
    data = document_input()
    signed = pdf_sign(pdf_bytes=document_pdf(data), signer=test_pki.leader)
    document = publish(pdf=signed)
    assert document.signature_verdict == "valid"
    (signature,) = document.files.get().signatures
    assert signature["signer"] == "Nguyễn Văn An"
    assert signature["trusted"] is True and signature["intact"] is True
    root_name = test_pki.root.certificate.subject.get_attributes_for_oid(
        NameOID.COMMON_NAME
    )[0].value
    assert signature["issuer_chain"] == [root_name]
    assert dt.datetime.fromisoformat(
        signature["signed_at"]
    ).utcoffset() == dt.timedelta(hours=7)


def test_signed_by_an_unknown_ca_is_untrusted(publish, test_pki, trust_root):
    signed = pdf_sign(pdf_bytes=document_pdf(document_input()), signer=test_pki.foreign)
    document = publish(pdf=signed)
    assert document.signature_verdict == "untrusted"
    (signature,) = document.files.get().signatures
    assert signature["trusted"] is False
    assert signature["issuer_chain"] == ["Untrusted Root CA"]


def test_signed_then_changed_is_invalid(publish, test_pki, trust_root):
    signed = pdf_sign(pdf_bytes=document_pdf(document_input()), signer=test_pki.agency)
    # A byte of the signed page content (before the signature's own bytes).
    at = signed.index(b"BT") + 5
    document = publish(pdf=flip(signed, at))
    assert document.signature_verdict == "invalid"
    assert document.files.get().signatures[0]["intact"] is False


def test_no_signature_is_unsigned(publish):
    document = publish()
    assert document.signature_verdict == "unsigned"
    assert document.files.get().signatures == []


def test_the_document_shows_its_worst_file(
    library, library_index, test_pki, trust_root
):
    data = document_input()
    good = pdf_sign(pdf_bytes=document_pdf(data), signer=test_pki.agency)
    plain = document_pdf(data, ["Phụ lục"])
    outcome = document_save(
        actor=None,
        data=data,
        files=[PdfUpload("qd.pdf", good), PdfUpload("phu-luc.pdf", plain)],
    )
    verdicts = list(outcome.document.files.values_list("signature_verdict", flat=True))
    assert verdicts == ["valid", "unsigned"]
    assert outcome.document.signature_verdict == "unsigned"


# --- saving: text, identity, audit, all-or-nothing ---------------------------------


def test_text_layer_becomes_the_full_text_and_is_searchable(publish):
    document = publish(extra=["Điều 1. Phạm vi điều chỉnh về hồ sơ điện tử"])
    assert document.text_source == TextSource.TEXT_LAYER
    assert "Phạm vi điều chỉnh" in document.full_text
    result = library_search(library_query_clean(text="pham vi dieu chinh"))
    assert [hit.number_symbol for hit in result.hits] == ["15/2016/QĐ-UBND"]
    assert "<mark>" in result.hits[0].highlight.get("full_text", "")


def test_saving_the_same_document_again_changes_nothing(publish):
    content = document_pdf(document_input())
    document = publish(pdf=content)
    audits = AuditLogEntry.objects.count()
    outcome = document_save(
        actor=None, data=document_input(), files=[PdfUpload("van-ban.pdf", content)]
    )
    assert outcome.change == "unchanged"
    assert outcome.document.pk == document.pk
    assert AuditLogEntry.objects.count() == audits


def test_a_new_subject_updates_the_document_and_its_page(publish):
    document = publish()
    revisions = document.publication.revisions.count()
    changed = publish(subject="Quy định trao đổi văn bản điện tử (sửa đổi)")
    assert changed.pk == document.pk
    document.refresh_from_db()
    assert document.subject.endswith("(sửa đổi)")
    assert document.publication.revisions.count() == revisions + 1
    assert AuditLogEntry.objects.filter(
        action="officialdocument.updated", object_id=str(document.pk)
    ).exists()


def test_number_symbol_is_normalised_and_identity_ignores_its_case(publish):
    first = publish(number_symbol="15 / 2016 / QĐ – UBND")
    assert first.number_symbol == "15/2016/QĐ-UBND"
    assert publish(number_symbol="15/2016/QĐ-UBND").pk == first.pk
    assert OfficialDocument.objects.count() == 1


def test_numbers_without_a_year_are_told_apart_by_year(publish):
    first = publish(
        number_symbol="12/UBND-VX",
        document_type="cong-van",
        issued_date=dt.date(2024, 3, 1),
        effective_date=None,
    )
    second = publish(
        number_symbol="12/UBND-VX",
        document_type="cong-van",
        issued_date=dt.date(2025, 3, 1),
        effective_date=None,
    )
    assert first.pk != second.pk


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"document_type": "sac-lenh"}, "không có trong danh mục"),
        ({"document_type": "nghi-quyet"}, "Ký hiệu văn bản không hợp lệ"),
        ({"number_symbol": "15/2016/QD-UBND"}, "có phải 'QĐ'"),
        ({"number_symbol": "abc"}, "Ký hiệu văn bản không hợp lệ"),
        ({"issued_date": dt.date(2017, 1, 2), "effective_date": None}, "khác năm"),
        ({"issuer": "  "}, "Thiếu cơ quan ban hành"),
        ({"subject": ""}, "Thiếu trích yếu"),
        ({"legal_status": LegalStatus.REPLACED}, "phải chỉ ra văn bản thay thế"),
        ({"effective_date": dt.date(2016, 1, 1)}, "trước ngày ban hành"),
    ],
)
def test_bad_metadata_is_refused_and_saves_nothing(
    library, library_index, settings, overrides, reason
):
    data = document_input(**overrides)
    with pytest.raises(DocumentRejected, match=reason):
        document_save(
            actor=None,
            data=data,
            files=[PdfUpload("qd.pdf", document_pdf(document_input()))],
        )
    assert OfficialDocument.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "không phải tệp PDF"),
        (b"GIF89a not a pdf", "không phải tệp PDF"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "bị hỏng"),
    ],
)
def test_bad_files_are_refused_and_save_nothing(
    library, library_index, settings, content, reason
):
    data = document_input()
    good = PdfUpload("qd.pdf", document_pdf(data))
    with pytest.raises(DocumentRejected, match=reason):
        document_save(
            actor=None, data=data, files=[good, PdfUpload("phu-luc.pdf", content)]
        )
    assert OfficialDocument.objects.count() == 0
    assert DocumentFile.objects.count() == 0
    assert stored_files(settings) == []


def test_a_document_needs_a_file(library, library_index):
    with pytest.raises(DocumentRejected, match="ít nhất một tệp PDF"):
        document_save(actor=None, data=document_input(), files=[])


def test_oversized_file_is_refused(library, library_index, settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1000
    with pytest.raises(DocumentRejected, match="lớn hơn giới hạn"):
        document_save(
            actor=None,
            data=document_input(),
            files=[PdfUpload("qd.pdf", document_pdf(document_input()))],
        )
    assert OfficialDocument.objects.count() == 0


# --- publishing ----------------------------------------------------------------------


def test_publishing_creates_a_live_page_under_the_library(publish, library):
    document = publish()
    page = document.publication
    assert page.live and page.get_parent().pk == library.pk
    assert page.title == "Quyết định 15/2016/QĐ-UBND"
    assert page.slug == "15-2016-qd-ubnd"
    assert search.count("documents") == 1


def test_unpublishing_takes_the_page_and_the_index_entry_away(
    publish, django_capture_on_commit_callbacks
):
    document = publish()
    with django_capture_on_commit_callbacks(execute=True):
        document_unpublish(actor=None, document=document)
    document.refresh_from_db()
    assert document.publication.live is False
    assert search.count("documents") == 0
    assert library_search(library_query_clean(text="Sóc Trăng")).count == 0
    assert AuditLogEntry.objects.filter(action="officialdocument.unpublished").exists()


def test_library_pages_fall_under_the_moderation_workflow(publish):
    page = publish().publication
    workflow = page.get_workflow()
    assert workflow is not None and workflow.active


# --- OCR for scans without a text layer --------------------------------------------


def scanned_pdf(lines: list[str]) -> bytes:
    """An image-only PDF (no text layer), as a scanner makes."""
    image = Image.new("L", (1654, 1100), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(DEJAVU, 44)
    for i, line in enumerate(lines):
        draw.text((100, 120 + 90 * i), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=200.0)
    return buffer.getvalue()


@pytest.mark.slow
def test_a_scan_without_text_is_read_by_ocr(publish):
    document = publish(pdf=scanned_pdf(["QUYẾT ĐỊNH", "Về công tác văn thư lưu trữ"]))
    document.refresh_from_db()
    record = document.files.get()
    assert record.text_source == TextSource.OCR
    assert document.text_source == TextSource.OCR
    assert "văn thư" in document.full_text.lower()
    # The OCR text reaches the index (the task queued a re-index).
    hits = library_search(library_query_clean(text="cong tac van thu luu tru")).hits
    assert [hit.number_symbol for hit in hits] == ["15/2016/QĐ-UBND"]
    # Idempotent: a file that has text is not read again.
    assert document_file_ocr(file_id=record.pk) is False
    # The OCR ran under a lease, released as done: a worker dying mid-OCR would
    # have left it running for the reaper to re-queue.
    from backoffice.core.models import JobLease

    lease = JobLease.objects.get(kind="document_ocr", object_id=record.pk)
    assert lease.state == JobLease.State.DONE and lease.runs == 1


def test_a_new_pdf_replaces_the_old_one_once_committed(publish, settings):
    first = publish(extra=["Bản thứ nhất"])
    old_name = first.files.get().file.name
    second = publish(extra=["Bản thứ hai"])
    assert second.pk == first.pk
    record = second.files.get()
    assert "Bản thứ hai" in second.full_text and "Bản thứ nhất" not in second.full_text
    assert [p.name for p in stored_files(settings)] == [Path(record.file.name).name]
    assert record.file.name != old_name
