"""Drafting, approval, the Art. 9 paper flag, publication and the register."""

import io

from django.core.exceptions import PermissionDenied
from django.core.management import call_command

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter

from backoffice.documents.constants import SignatureVerdict
from backoffice.documents.services import PdfUpload
from backoffice.outgoing.constants import EventKind, FileKind, OutgoingStatus
from backoffice.outgoing.models import OutgoingDocument, OutgoingFile
from backoffice.outgoing.publish import outgoing_publish
from backoffice.outgoing.register_book import register_columns
from backoffice.outgoing.release import outgoing_release
from backoffice.outgoing.services import (
    OutgoingRejected,
    outgoing_approve,
    outgoing_draft_create,
    outgoing_draft_update,
    outgoing_paper_override,
    outgoing_return,
    outgoing_submit,
)

from .conftest import attachment_pdf, draft_input, main_pdf


def _encrypted() -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(main_pdf().content)))
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("main", "message"),
    [
        (PdfUpload("to-trinh.docx", b"PK\x03\x04 not a pdf"), "không phải tệp PDF"),
        (PdfUpload("hong.pdf", b"%PDF-1.7\n garbage"), "không dùng được"),
        (PdfUpload("mat.pdf", None), "mã hóa"),
        (PdfUpload("rong.pdf", b""), "rỗng"),
    ],
)
def test_a_bad_main_file_is_refused_and_nothing_is_stored(
    office, settings, main, message
):
    if main.content is None:
        main = PdfUpload(main.name, _encrypted())

    with pytest.raises(OutgoingRejected, match=message):
        outgoing_draft_create(
            agency=office.agency,
            actor=office.specialist,
            data=draft_input(),
            main=main,
        )

    assert not OutgoingDocument.objects.exists()
    assert not OutgoingFile.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"subject": "  "}, "subject", "trích yếu"),
        ({"issuer_symbol": "S TP!"}, "issuer_symbol", "không hợp lệ"),
        ({"is_legal": True, "document_type": "cong-van"}, "is_legal", "quy phạm"),
        ({"recipient_emails": ["khong-phai-email"]}, "recipients", "không hợp lệ"),
        ({"recipient_emails": []}, "recipients", "ít nhất một nơi nhận"),
        ({"confidentiality": "mat"}, "recipients", "không được gửi qua mạng"),
        ({"document_type": "luat"}, "document_type", "danh mục"),
    ],
)
def test_bad_metadata_is_refused_with_a_clear_message(
    office, overrides, field, message
):
    with pytest.raises(OutgoingRejected) as caught:
        outgoing_draft_create(
            agency=office.agency,
            actor=office.specialist,
            data=draft_input(**overrides),
            main=main_pdf(),
        )

    assert message in " ".join(caught.value.message_dict[field])
    assert not OutgoingDocument.objects.exists()


def test_a_clerk_cannot_draft(office):
    with pytest.raises(PermissionDenied):
        outgoing_draft_create(
            agency=office.agency,
            actor=office.clerk,
            data=draft_input(),
            main=main_pdf(),
        )


def test_return_with_comments_keeps_history_and_every_file_version(office, pkcs12_keys):
    document = outgoing_draft_create(
        agency=office.agency,
        actor=office.specialist,
        data=draft_input(),
        main=main_pdf(),
        attachments=[attachment_pdf()],
    )
    outgoing_submit(document=document, actor=office.specialist)

    with pytest.raises(OutgoingRejected):
        outgoing_return(document=document, actor=office.leader, comment=" ")
    outgoing_return(document=document, actor=office.leader, comment="Sửa điều 3")
    outgoing_draft_update(
        document=document,
        actor=office.specialist,
        data=draft_input(subject="Về việc ban hành Quy chế (sửa)"),
        main=main_pdf(),
        comment="Đã sửa điều 3",
    )
    outgoing_submit(document=document, actor=office.specialist)
    document = outgoing_approve(document=document, actor=office.leader)

    assert document.status == OutgoingStatus.APPROVED
    assert document.file_version == 2
    assert document.files.filter(version=1).count() == 2
    assert document.files.filter(version=2).count() == 1
    kinds = list(document.events.values_list("kind", "comment"))
    assert kinds == [
        (EventKind.CREATED, ""),
        (EventKind.SUBMITTED, ""),
        (EventKind.RETURNED, "Sửa điều 3"),
        (EventKind.UPDATED, "Đã sửa điều 3"),
        (EventKind.SUBMITTED, ""),
        (EventKind.APPROVED, ""),
    ]


def test_approval_by_a_leader_of_another_agency_is_refused(office, pkcs12_keys):
    document = outgoing_draft_create(
        agency=office.agency,
        actor=office.specialist,
        data=draft_input(),
        main=main_pdf(),
    )
    outgoing_submit(document=document, actor=office.specialist)

    with pytest.raises(PermissionDenied, match="Chỉ lãnh đạo của Sở Tư pháp"):
        outgoing_approve(document=document, actor=office.other_leader)

    document.refresh_from_db()
    assert document.status == OutgoingStatus.SUBMITTED
    assert document.approver is None


def test_a_leader_without_a_signing_key_cannot_approve(office):
    document = outgoing_draft_create(
        agency=office.agency,
        actor=office.specialist,
        data=draft_input(),
        main=main_pdf(),
    )
    outgoing_submit(document=document, actor=office.specialist)

    with pytest.raises(OutgoingRejected, match="chưa có chữ ký số cá nhân"):
        outgoing_approve(document=document, actor=office.leader)


def test_paper_copy_flag_follows_type_and_recipients_and_can_be_overridden(
    office, pkcs12_keys
):
    def draft(**overrides):
        return outgoing_draft_create(
            agency=office.agency,
            actor=office.specialist,
            data=draft_input(**overrides),
            main=main_pdf(),
        )

    individual = draft()  # a decision that is not a legal document
    legal = draft(is_legal=True)
    letter = draft(document_type="cong-van")
    by_post = draft(document_type="cong-van", paper_recipients=["Bưu điện tỉnh"])

    assert individual.paper_required and "Quyết định cá biệt" in (
        individual.paper_reason_label()
    )
    assert not legal.paper_required
    assert not letter.paper_required
    assert by_post.paper_required

    with pytest.raises(OutgoingRejected):
        outgoing_paper_override(
            document=individual, actor=office.clerk, required=False, reason=""
        )
    individual = outgoing_paper_override(
        document=individual,
        actor=office.clerk,
        required=False,
        reason="Nơi nhận đồng ý nhận bản điện tử",
    )
    assert not individual.paper_required


def test_publish_makes_a_library_page_with_the_signature_verdict(
    office, pkcs12_keys, approved
):
    released = outgoing_release(
        document=approved(attachments=1, is_public=True), actor=office.clerk
    )

    published = outgoing_publish(document=released, actor=office.clerk)

    page_document = published.publication
    assert page_document.number_symbol == "01/QĐ-STP"
    assert page_document.signature_verdict == SignatureVerdict.VALID
    assert page_document.files.count() == 2
    assert page_document.publication.live


def test_a_document_not_marked_public_is_not_published(office, pkcs12_keys, approved):
    released = outgoing_release(document=approved(attachments=0), actor=office.clerk)

    with pytest.raises(OutgoingRejected, match="không được đánh dấu công bố"):
        outgoing_publish(document=released, actor=office.clerk)


def test_register_export_prints_the_outgoing_book(
    office, pkcs12_keys, approved, tmp_path
):
    from django.utils import timezone

    outgoing_release(document=approved(attachments=1), actor=office.clerk)
    outgoing_release(
        document=approved(attachments=0, document_type="cong-van"), actor=office.clerk
    )
    year = str(timezone.localdate().year)
    xlsx, pdf = tmp_path / "so-di.xlsx", tmp_path / "so-di.pdf"

    for target, kind in ((xlsx, "xlsx"), (pdf, "pdf")):
        call_command(
            "register_export",
            "--register",
            "outgoing",
            "--agency",
            office.agency.code,
            "--year",
            year,
            "--format",
            kind,
            "-o",
            str(target),
        )

    sheet = load_workbook(xlsx).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(register_columns())
    body = rows[header + 1 :]
    assert [r[3] for r in body] == ["01/QĐ-STP", "02/STP-VP"]
    assert "Có gửi bản giấy" in body[0][12]
    assert "vanthu@example.vn (" in body[0][13]
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert "02/STP-VP" in text


def test_signed_files_are_a_version_of_their_own(office, pkcs12_keys, approved):
    released = outgoing_release(document=approved(attachments=1), actor=office.clerk)

    signed = released.files.filter(kind=FileKind.SIGNED)
    assert set(signed.values_list("version", flat=True)) == {released.file_version}
    assert released.files.filter(kind=FileKind.DRAFT, version=1).count() == 2
