"""Receiving, checking, registering and refusing incoming documents."""

import datetime as dt
import io

from django.core.exceptions import PermissionDenied, ValidationError

import pytest
from pypdf import PdfReader, PdfWriter

from backoffice.core.models import AuditLogEntry
from backoffice.incoming.checks import IncomingRejected
from backoffice.incoming.constants import (
    Confidentiality,
    IncomingEventKind,
    IncomingStatus,
)
from backoffice.incoming.models import IncomingDocument, IncomingFile
from backoffice.incoming.services import (
    incoming_check,
    incoming_receive,
    incoming_refuse,
    incoming_register,
)
from backoffice.incoming.types import ReceivedFile
from tests.backoffice.incoming.conftest import OFFICE_MOMENT, reload

pytestmark = pytest.mark.django_db
VN = dt.timezone(dt.timedelta(hours=7))


def receive(desk, content: bytes, **kwargs) -> IncomingDocument:
    kwargs.setdefault("via", "upload")
    kwargs.setdefault("now", OFFICE_MOMENT)
    return incoming_receive(
        agency=desk["agency"], main=ReceivedFile("cong-van.pdf", content), **kwargs
    )


def received_checked(desk, content: bytes, **kwargs) -> IncomingDocument:
    document = receive(desk, content, **kwargs)
    incoming_check(document_id=document.pk)
    return reload(document)


def test_signed_pdf_is_checked_valid_and_registered_with_the_next_numbers(
    desk, pdfs
) -> None:
    first = received_checked(desk, pdfs["signed"], delivered_by="Nguyễn Văn Bưu")
    assert first.status == IncomingStatus.RECEIVED
    assert first.verdict == "valid"
    assert first.signer_name == "Nguyễn Văn An"
    assert first.page_count == 1
    assert first.files.get().sha256
    first = incoming_register(
        document=first,
        actor=desk["clerk"],
        fields={
            "issuer_name": "UBND tỉnh Sóc Trăng",
            "number_symbol": "15/UBND-VP",
            "subject": "Triển khai tiếp nhận văn bản điện tử",
            "document_type": "Công văn",
            "issued_on": "2026-02-27",
        },
    )
    second = incoming_register(
        document=received_checked(desk, pdfs["signed"]), actor=desk["clerk"]
    )
    assert (first.incoming_number, second.incoming_number) == (1, 2)
    assert first.year == 2026 and first.status == IncomingStatus.REGISTERED
    assert first.document_type == "cong-van"
    assert first.issued_on == dt.date(2026, 2, 27)
    assert list(first.events.values_list("kind", flat=True)) == [
        IncomingEventKind.RECEIVED,
        IncomingEventKind.REGISTERED,
    ]
    actions = set(
        AuditLogEntry.objects.filter(object_id=str(first.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "incomingdocument.received",
        "incomingdocument.checked",
        "incomingdocument.registered",
    } <= actions


def test_arrival_outside_office_hours_counts_from_the_next_office_period(
    desk, pdfs
) -> None:
    saturday_night = dt.datetime(2026, 3, 7, 22, 15, tzinfo=VN)
    document = receive(desk, pdfs["signed"], now=saturday_night)
    assert document.delivered_at == saturday_night
    assert document.received_at == dt.datetime(2026, 3, 9, 7, 0, tzinfo=VN)
    lunch = receive(desk, pdfs["signed"], now=dt.datetime(2026, 3, 9, 12, 0, tzinfo=VN))
    assert lunch.received_at == dt.datetime(2026, 3, 9, 13, 30, tzinfo=VN)


def test_a_document_stamped_secret_is_refused_and_its_file_not_kept(desk, pdfs) -> None:
    document = receive(desk, pdfs["secret"])
    assert document.status == IncomingStatus.REFUSED
    assert document.confidentiality == Confidentiality.MAT
    assert "độ mật" in document.refusal_reason
    assert document.verdict == "unsigned"
    stored = document.files.get()
    assert not stored.file and stored.sha256
    with pytest.raises(ValidationError):
        incoming_register(document=document, actor=desk["clerk"])


def test_secret_marking_declared_by_the_sender_is_refused(desk, pdfs) -> None:
    document = receive(desk, pdfs["signed"], metadata={"confidentiality": "Tối mật"})
    assert document.status == IncomingStatus.REFUSED
    assert document.confidentiality == Confidentiality.TOI_MAT


def test_an_ordinary_word_mat_in_the_text_is_not_a_secret_marking(desk) -> None:
    from tests.fixtures.signatures import make_pdf

    content = make_pdf(["Về việc đổi mật khẩu hộp thư", "Bảo vệ bí mật nhà nước"])
    assert receive(desk, content).status == IncomingStatus.RECEIVED


def test_invalid_signature_needs_a_refusal_or_an_override_with_a_reason(
    desk, pdfs
) -> None:
    document = received_checked(desk, pdfs["tampered"])
    assert document.verdict == "invalid"
    assert document.verdict_reason
    with pytest.raises(ValidationError, match="không hợp lệ"):
        incoming_register(document=document, actor=desk["clerk"])
    assert reload(document).incoming_number is None
    document = incoming_register(
        document=document,
        actor=desk["clerk"],
        override_reason="Lãnh đạo đã xác nhận bản giấy gốc",
    )
    assert document.incoming_number == 1
    assert document.override_reason == "Lãnh đạo đã xác nhận bản giấy gốc"
    entry = AuditLogEntry.objects.get(
        object_id=str(document.pk), action="incomingdocument.registered"
    )
    assert entry.note == "Lãnh đạo đã xác nhận bản giấy gốc"
    assert document.events.filter(kind=IncomingEventKind.OVERRIDDEN).exists()


def test_refusal_records_the_reason_and_takes_no_number(desk, pdfs) -> None:
    document = received_checked(desk, pdfs["tampered"])
    with pytest.raises(ValidationError, match="lý do"):
        incoming_refuse(document=document, actor=desk["clerk"], reason="  ")
    document = incoming_refuse(
        document=document, actor=desk["clerk"], reason="Chữ ký số không hợp lệ"
    )
    assert document.status == IncomingStatus.REFUSED
    assert document.incoming_number is None
    assert document.events.filter(kind=IncomingEventKind.REFUSED).exists()
    with pytest.raises(ValidationError):
        incoming_register(document=document, actor=desk["clerk"], override_reason="x")


def test_registration_waits_for_the_signature_check(desk, pdfs) -> None:
    document = receive(desk, pdfs["signed"])
    with pytest.raises(ValidationError, match="Chưa kiểm tra xong"):
        incoming_register(document=document, actor=desk["clerk"])


def _encrypted(content: bytes) -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(content)).pages:
        writer.add_page(page)
    writer.encrypt("secret-password")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("corrupt", "bị hỏng"),
        ("encrypted", "mã hóa"),
        ("not_pdf", "không phải tệp PDF"),
        ("empty", "rỗng"),
        ("oversized", "quá lớn"),
    ],
)
def test_bad_files_get_a_clear_error_and_nothing_is_stored(
    desk, pdfs, settings, kind, message
) -> None:
    content = {
        "corrupt": b"%PDF-1.7\n" + b"\x00garbage" * 50,
        "encrypted": _encrypted(pdfs["unsigned"]),
        "not_pdf": b"PK\x03\x04 a zip file",
        "empty": b"",
        "oversized": pdfs["signed"],
    }[kind]
    settings.INCOMING_MAX_FILE_BYTES = len(pdfs["signed"]) - 1
    before = AuditLogEntry.objects.count()
    with pytest.raises(IncomingRejected, match=message):
        receive(desk, content)
    assert not IncomingDocument.objects.exists()
    assert not IncomingFile.objects.exists()
    assert AuditLogEntry.objects.count() == before


def test_bad_metadata_is_refused_with_every_problem_named(desk, pdfs) -> None:
    with pytest.raises(IncomingRejected) as caught:
        receive(
            desk,
            pdfs["signed"],
            metadata={"urgency": "rất gấp", "colour": "đỏ", "issued_on": "31/02/2026"},
        )
    text = " ".join(caught.value.messages)
    assert "rất gấp" in text and "colour" in text and "31/02/2026" in text
    assert not IncomingDocument.objects.exists()


def test_same_source_reference_is_received_once(desk, pdfs) -> None:
    first = receive(desk, pdfs["signed"], via="internal", source_ref="outgoing:42")
    again = receive(desk, pdfs["signed"], via="internal", source_ref="outgoing:42")
    other = receive(desk, pdfs["signed"], via="internal", source_ref="outgoing:43")
    assert first.pk == again.pk != other.pk
    assert IncomingDocument.objects.count() == 2


def test_a_duplicate_of_a_registered_issuer_and_number_symbol_is_flagged(
    desk, pdfs
) -> None:
    metadata = {"issuer_name": "UBND tỉnh Sóc Trăng", "number_symbol": "15/UBND-VP"}
    first = received_checked(desk, pdfs["signed"], metadata=metadata)
    assert first.duplicate_of is None
    incoming_register(document=first, actor=desk["clerk"])
    again = receive(
        desk,
        pdfs["signed"],
        metadata={"issuer_name": "ubnd tỉnh  Sóc Trăng", "number_symbol": "15/ubnd-vp"},
    )
    assert again.duplicate_of_id == first.pk
    unrelated = receive(
        desk,
        pdfs["signed"],
        metadata={"issuer_name": "Sở Tư pháp", "number_symbol": "15/UBND-VP"},
    )
    assert unrelated.duplicate_of is None


def test_staff_of_another_agency_cannot_receive_or_register(desk, pdfs) -> None:
    with pytest.raises(PermissionDenied):
        receive(desk, pdfs["signed"], actor=desk["outsider"])
    document = received_checked(desk, pdfs["signed"])
    with pytest.raises(PermissionDenied):
        incoming_register(document=document, actor=desk["specialist"])
    assert reload(document).status == IncomingStatus.RECEIVED


def test_attachments_are_kept_with_their_hashes(desk, pdfs) -> None:
    document = receive(
        desk,
        pdfs["signed"],
        attachments=[
            ReceivedFile("phu-luc.pdf", pdfs["unsigned"]),
            ReceivedFile("bang-tinh.xlsx", b"PK\x03\x04 spreadsheet"),
        ],
    )
    files = list(document.files.order_by("position"))
    assert [f.original_name for f in files] == [
        "cong-van.pdf",
        "phu-luc.pdf",
        "bang-tinh.xlsx",
    ]
    assert files[0].is_main and not files[1].is_main
    assert files[2].media_type.endswith("spreadsheetml.sheet")
    incoming_check(document_id=document.pk)
    assert reload(document).verdict == "valid"
    assert IncomingFile.objects.get(pk=files[1].pk).verdict == "unsigned"
