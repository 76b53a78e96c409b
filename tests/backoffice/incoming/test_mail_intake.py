"""Official e-mail: .eml parsing, one document per PDF attachment, idempotence."""

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.incoming.checks import IncomingRejected
from backoffice.incoming.constants import IncomingStatus
from backoffice.incoming.mail import incoming_mail_receive, mail_parse
from backoffice.incoming.models import IncomingDocument, IncomingMail
from tests.backoffice.incoming.conftest import OFFICE_MOMENT

pytestmark = pytest.mark.django_db


def test_every_pdf_attachment_becomes_one_document_with_the_mail_kept(
    desk, pdfs, mail_factory
) -> None:
    raw = mail_factory(
        attachments=[
            ("15-UBND-VP.pdf", pdfs["signed"], "application/pdf"),
            ("phu-luc.pdf", pdfs["unsigned"], "application/pdf"),
            ("danh-sach.docx", b"PK\x03\x04 docx", "application/octet-stream"),
        ],
        message_id="<cv-15@ubnd.soctrang.example.vn>",
    )
    intake = incoming_mail_receive(agency=desk["agency"], raw=raw, now=OFFICE_MOMENT)
    assert intake.created and len(intake.documents) == 2
    mail = intake.mail
    assert mail.message_id == "<cv-15@ubnd.soctrang.example.vn>"
    assert mail.sender == "vanthu@ubnd.soctrang.example.vn"
    assert mail.subject.startswith("Công văn số 15/UBND-VP")
    accepted = {a["name"]: a["accepted"] for a in mail.attachments}
    assert accepted == {
        "15-UBND-VP.pdf": True,
        "phu-luc.pdf": True,
        "danh-sach.docx": False,
    }
    assert "danh-sach.docx" in mail.problem
    for document in intake.documents:
        assert document.via == "email"
        assert document.sender == "vanthu@ubnd.soctrang.example.vn"
        assert document.mail_id == mail.pk
        assert document.subject == mail.subject
        assert document.status == IncomingStatus.RECEIVED
    assert AuditLogEntry.objects.filter(action="incomingmail.received").count() == 1


def test_the_same_message_twice_is_stored_once(desk, pdfs, mail_factory) -> None:
    raw = mail_factory(attachments=[("a.pdf", pdfs["signed"], "application/pdf")])
    first = incoming_mail_receive(agency=desk["agency"], raw=raw)
    again = incoming_mail_receive(agency=desk["agency"], raw=raw)
    assert first.created and not again.created
    assert [d.pk for d in again.documents] == [d.pk for d in first.documents]
    assert IncomingMail.objects.count() == 1
    assert IncomingDocument.objects.count() == 1


def test_a_mail_without_message_id_gets_a_stable_one(desk, pdfs, mail_factory) -> None:
    raw = mail_factory(attachments=[("a.pdf", pdfs["signed"], "application/pdf")])
    raw = b"\n".join(
        line for line in raw.split(b"\n") if not line.startswith(b"Message-ID")
    )
    assert mail_parse(raw).message_id == mail_parse(raw).message_id
    incoming_mail_receive(agency=desk["agency"], raw=raw)
    incoming_mail_receive(agency=desk["agency"], raw=raw)
    assert IncomingDocument.objects.count() == 1


def test_a_mail_without_attachments_is_kept_with_the_problem_and_no_document(
    desk, mail_factory
) -> None:
    intake = incoming_mail_receive(
        agency=desk["agency"], raw=mail_factory(attachments=[])
    )
    assert intake.documents == []
    assert "không có tệp đính kèm" in intake.mail.problem
    assert not IncomingDocument.objects.exists()


def test_a_corrupt_pdf_attachment_is_listed_with_the_reason_and_not_registered(
    desk, pdfs, mail_factory
) -> None:
    raw = mail_factory(
        attachments=[
            ("hong.pdf", b"%PDF-1.4\n\x00\x01 broken", "application/pdf"),
            ("tot.pdf", pdfs["signed"], "application/pdf"),
        ]
    )
    intake = incoming_mail_receive(agency=desk["agency"], raw=raw)
    assert [d.files.get().original_name for d in intake.documents] == ["tot.pdf"]
    broken = intake.mail.attachments[0]
    assert broken["accepted"] is False and "bị hỏng" in broken["reason"]


def test_a_secret_subject_is_refused(desk, pdfs, mail_factory) -> None:
    raw = mail_factory(
        attachments=[("a.pdf", pdfs["signed"], "application/pdf")],
        subject="[MẬT] Kế hoạch bảo vệ",
    )
    (document,) = incoming_mail_receive(agency=desk["agency"], raw=raw).documents
    assert document.status == IncomingStatus.REFUSED
    assert not document.files.get().file


def test_bytes_that_are_not_a_mail_are_refused_and_nothing_stored(desk) -> None:
    with pytest.raises(IncomingRejected, match="không phải thư điện tử"):
        incoming_mail_receive(agency=desk["agency"], raw=b"\x00\x01 not a mail")
    assert not IncomingMail.objects.exists()
