"""Catalogue, opening, filing, free documents and closing: what is allowed, what is
refused with a clear Vietnamese message, and that a refusal changes nothing."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.records.constants import EFileStatus, ItemKind
from backoffice.records.models import CatalogueEntry, EFile, EFileItem, FreeDocument
from backoffice.records.services import (
    RecordsRejected,
    catalogue_copy_forward,
    catalogue_entry_create,
    efile_close,
    efile_file,
    efile_open,
    efile_unfile,
    efile_upload,
    retention_period_ensure,
)
from tests.fixtures.records import audit_actions, make_incoming, make_outgoing, make_pdf

pytestmark = pytest.mark.django_db


def test_duplicate_catalogue_code_is_refused_and_nothing_added(desk) -> None:
    before = CatalogueEntry.objects.count()
    with pytest.raises(RecordsRejected, match="đã có số, ký hiệu “01.HC”"):
        catalogue_entry_create(
            actor=desk.clerk,
            agency=desk.agency,
            year=desk.entry.year,
            code=" 01.HC ",
            title="Trùng",
            retention=desk.permanent,
        )
    assert CatalogueEntry.objects.count() == before
    # The same code in another year is a different catalogue.
    catalogue_entry_create(
        actor=desk.clerk,
        agency=desk.agency,
        year=desk.entry.year + 1,
        code="01.HC",
        title="Năm sau",
        retention=desk.permanent,
    )
    # And the database refuses a duplicate that bypasses the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogueEntry.objects.create(
            agency=desk.agency,
            year=desk.entry.year,
            code="01.HC",
            title="x",
            retention=desk.permanent,
        )


def test_retention_of_another_agency_is_refused(desk) -> None:
    foreign = retention_period_ensure(
        actor=None, agency=desk.tree["justice"], name="Khác", years=5
    )
    with pytest.raises(RecordsRejected, match="không thuộc bảng thời hạn"):
        catalogue_entry_create(
            actor=desk.clerk,
            agency=desk.agency,
            year=desk.entry.year,
            code="02.HC",
            title="Sai",
            retention=foreign,
        )


def test_copy_forward_is_idempotent_and_audited(desk) -> None:
    year = desk.entry.year + 1
    first = catalogue_copy_forward(actor=desk.clerk, agency=desk.agency, year=year)
    assert [e.code for e in first.created] == ["01.HC"]
    copied = first.created[0]
    assert (copied.title, copied.retention, copied.copied_from) == (
        desk.entry.title,
        desk.ten_years,
        desk.entry,
    )
    assert audit_actions(action="catalogue.copied_forward") == [
        "catalogue.copied_forward"
    ]
    again = catalogue_copy_forward(actor=desk.clerk, agency=desk.agency, year=year)
    assert again.created == [] and again.skipped == 1
    assert CatalogueEntry.objects.filter(agency=desk.agency, year=year).count() == 1
    assert len(audit_actions(action="catalogue.copied_forward")) == 1


def test_copy_forward_without_last_year_is_refused(desk) -> None:
    with pytest.raises(RecordsRejected, match="Chưa có danh mục hồ sơ năm"):
        catalogue_copy_forward(
            actor=desk.clerk, agency=desk.agency, year=desk.entry.year + 5
        )


def test_only_clerks_and_leaders_of_the_agency_keep_records(desk) -> None:
    for user in (desk.specialist, desk.outsider):
        with pytest.raises(PermissionDenied):
            efile_open(actor=user, entry=desk.entry)
    assert not EFile.objects.exists()
    assert efile_open(actor=desk.leader, entry=desk.entry).code == (
        f"01.HC/{desk.entry.year}"
    )
    second = efile_open(actor=desk.clerk, entry=desk.entry, title="Đợt 2")
    assert (second.code, second.title) == (f"01.HC-2/{desk.entry.year}", "Đợt 2")


def test_file_documents_and_a_dossier_then_close_with_counts(desk, dossier) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    incoming = make_incoming(desk.agency, 7, pages=2)
    outgoing = make_outgoing(desk.agency, desk.clerk, 3)
    efile_file(actor=desk.clerk, efile=efile, kind=ItemKind.INCOMING, target=incoming)
    efile_file(actor=desk.clerk, efile=efile, kind=ItemKind.OUTGOING, target=outgoing)
    efile_file(actor=desk.clerk, efile=efile, kind=ItemKind.DOSSIER, target=dossier)
    efile_upload(
        actor=desk.clerk,
        efile=efile,
        kind="minutes",
        title="Biên bản họp triển khai",
        name="bien-ban.pdf",
        content=make_pdf("Minutes", 4),
    )
    closed = efile_close(actor=desk.leader, efile=efile, closed_on=timezone.localdate())
    assert closed.status == EFileStatus.CLOSED
    assert closed.closed_on == timezone.localdate()
    assert closed.document_count == 4
    dossier_pages = sum(f.pages or 0 for f in dossier.files.all())
    assert closed.page_count == 2 + 3 + dossier_pages + 4
    assert audit_actions(object_type="records.EFile") == [
        "efile.opened",
        "efile.filed",
        "efile.filed",
        "efile.filed",
        "efile.uploaded",
        "efile.closed",
    ]


def test_a_document_sits_in_one_file_only(desk) -> None:
    first = efile_open(actor=desk.clerk, entry=desk.entry)
    second = efile_open(actor=desk.clerk, entry=desk.entry)
    incoming = make_incoming(desk.agency, 1)
    efile_file(actor=desk.clerk, efile=first, kind=ItemKind.INCOMING, target=incoming)
    entries = AuditLogEntry.objects.count()
    with pytest.raises(RecordsRejected, match=f"đã nằm trong hồ sơ {first.code}"):
        efile_file(
            actor=desk.clerk, efile=second, kind=ItemKind.INCOMING, target=incoming
        )
    assert not second.items.exists()
    assert AuditLogEntry.objects.count() == entries
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        EFileItem.objects.create(
            efile=second, kind=ItemKind.INCOMING, incoming=incoming
        )


def test_filing_needs_a_registered_document_of_the_same_agency(desk) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    pending = make_incoming(desk.agency, 2, registered=False)
    with pytest.raises(RecordsRejected, match="chưa được vào sổ"):
        efile_file(
            actor=desk.clerk, efile=efile, kind=ItemKind.INCOMING, target=pending
        )
    foreign = make_incoming(desk.tree["justice"], 3)
    with pytest.raises(RecordsRejected, match="không thuộc cơ quan của hồ sơ"):
        efile_file(
            actor=desk.clerk, efile=efile, kind=ItemKind.INCOMING, target=foreign
        )
    assert not efile.items.exists()


def test_closed_file_is_frozen(desk) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    kept = make_incoming(desk.agency, 4)
    item = efile_file(
        actor=desk.clerk, efile=efile, kind=ItemKind.INCOMING, target=kept
    )
    efile_close(actor=desk.clerk, efile=efile)
    late = make_incoming(desk.agency, 5)
    with pytest.raises(RecordsRejected, match="đã đóng: không thể thêm hay gỡ"):
        efile_file(actor=desk.clerk, efile=efile, kind=ItemKind.INCOMING, target=late)
    with pytest.raises(RecordsRejected, match="đã đóng: không thể thêm hay gỡ"):
        efile_unfile(actor=desk.clerk, item=item)
    with pytest.raises(RecordsRejected, match="đã đóng: không thể thêm hay gỡ"):
        efile_upload(
            actor=desk.clerk,
            efile=efile,
            kind="speech",
            title="Muộn",
            name="x.pdf",
            content=make_pdf("x", 1),
        )
    with pytest.raises(RecordsRejected, match="đã đóng ngày"):
        efile_close(actor=desk.clerk, efile=efile)
    assert list(efile.items.values_list("incoming_id", flat=True)) == [kept.pk]
    assert not FreeDocument.objects.exists()
    assert audit_actions(action="efile.closed") == ["efile.closed"]


def test_empty_file_cannot_be_closed_and_end_date_not_before_opening(desk) -> None:
    efile = efile_open(
        actor=desk.clerk, entry=desk.entry, opened_on=dt.date(desk.entry.year, 3, 1)
    )
    with pytest.raises(RecordsRejected, match="chưa có văn bản nào"):
        efile_close(actor=desk.clerk, efile=efile)
    efile_file(
        actor=desk.clerk,
        efile=efile,
        kind=ItemKind.INCOMING,
        target=make_incoming(desk.agency, 9),
    )
    with pytest.raises(RecordsRejected, match="không được trước ngày mở"):
        efile_close(
            actor=desk.clerk, efile=efile, closed_on=dt.date(desk.entry.year, 2, 1)
        )
    efile.refresh_from_db()
    assert efile.status == EFileStatus.OPEN and efile.closed_on is None


def test_unfile_from_open_file_frees_the_document(desk) -> None:
    first = efile_open(actor=desk.clerk, entry=desk.entry)
    second = efile_open(actor=desk.clerk, entry=desk.entry)
    incoming = make_incoming(desk.agency, 6)
    item = efile_file(
        actor=desk.clerk, efile=first, kind=ItemKind.INCOMING, target=incoming
    )
    efile_unfile(actor=desk.clerk, item=item)
    assert not first.items.exists()
    efile_file(actor=desk.clerk, efile=second, kind=ItemKind.INCOMING, target=incoming)
    assert "efile.unfiled" in audit_actions()


def test_free_document_is_an_immutable_original(desk) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    content = make_pdf("Speech", 3)
    item = efile_upload(
        actor=desk.clerk,
        efile=efile,
        kind="speech",
        title="Bài phát biểu khai mạc",
        name="../../etc/phat-bieu.pdf",
        content=content,
    )
    document = item.free
    assert document.original_name == "phat-bieu.pdf"
    assert document.pages == 3
    import hashlib

    assert document.sha256 == hashlib.sha256(content).hexdigest()
    with default_storage.open(document.file.name, "rb") as handle:
        assert handle.read() == content
    with pytest.raises(PermissionError):
        document.title = "Sửa"
        document.save()
    with pytest.raises(PermissionError):
        document.delete()
    with pytest.raises(RecordsRejected, match="không gỡ ra được"):
        efile_unfile(actor=desk.clerk, item=item)
    assert efile.items.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rong.pdf", b"", "rỗng"),
        ("virus.exe", b"MZ...", "chỉ nhận"),
        ("gia.pdf", b"<html>not a pdf</html>", "không phải tệp PDF"),
        ("hong.pdf", b"%PDF-1.7\n garbage without objects", "bị hỏng"),
    ],
)
def test_bad_free_documents_are_refused_and_nothing_stored(
    desk, name, content, message
) -> None:
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    with pytest.raises(RecordsRejected, match=message):
        efile_upload(
            actor=desk.clerk,
            efile=efile,
            kind="other",
            title="Tài liệu",
            name=name,
            content=content,
        )
    assert not FreeDocument.objects.exists()
    assert not efile.items.exists()
    assert not default_storage.exists("records")


def test_oversized_free_document_is_refused(desk, settings) -> None:
    settings.RECORDS_FREE_DOCUMENT_MAX_BYTES = 1024 * 1024
    efile = efile_open(actor=desk.clerk, entry=desk.entry)
    with pytest.raises(RecordsRejected, match="lớn hơn 1 MB"):
        efile_upload(
            actor=desk.clerk,
            efile=efile,
            kind="other",
            title="Lớn",
            name="lon.pdf",
            content=b"%PDF-1.7\n" + b"0" * (1024 * 1024),
        )
    assert not FreeDocument.objects.exists()
