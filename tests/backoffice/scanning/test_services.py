"""Scanning services: scan files, review decisions (registration and paper:
tests/backoffice/intake/test_services.py)."""

from django.core.exceptions import PermissionDenied, ValidationError

import pytest
from pypdf import PdfReader

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.models import DossierFile
from backoffice.scanning.constants import BatchStatus, ReviewReason, ReviewState
from backoffice.scanning.models import ScanBatch
from backoffice.scanning.services import (
    ScanRejected,
    scan_batch_create,
    scan_batch_run,
    scan_pages_assign,
    scan_pages_discard,
)

from . import counter_helpers
from .counter_helpers import scan_of

pytestmark = pytest.mark.django_db

# Fixtures shared by the counter tests.
counter_dossier = counter_helpers.counter_dossier
fast_scans = counter_helpers.fast_scans
officer = counter_helpers.officer


def _media_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return (
        sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    )


# --- Scan files -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("trong.pdf", b"", "rỗng"),
        ("ghi-chu.pdf", b"hello, not a scan", "không phải"),
        ("hong.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "JPEG"),
    ],
)
def test_scan_create_refuses_bad_files(
    officer, counter_dossier, settings, name, content, message
) -> None:
    before = _media_files(settings)
    with pytest.raises(ScanRejected) as exc:
        scan_batch_create(
            actor=officer, agency=counter_dossier.agency, name=name, content=content
        )
    assert message in exc.value.message
    assert not ScanBatch.objects.exists()
    assert _media_files(settings) == before


def test_scan_create_refuses_oversized_and_duplicate(
    officer, counter_dossier, settings, tmp_path, fast_scans
) -> None:
    path = scan_of(counter_dossier, ["cover", ("sep", 1), "text"], tmp_path / "a.pdf")
    content = path.read_bytes()
    batch = scan_batch_create(
        actor=officer, agency=counter_dossier.agency, name="a.pdf", content=content
    )
    assert batch.sha256 and batch.pages_total == 3
    with batch.original.open("rb") as handle:
        assert handle.read() == content  # stored as received
    with pytest.raises(ScanRejected, match="đã được nhận trước đó"):
        scan_batch_create(
            actor=officer, agency=counter_dossier.agency, name="b.pdf", content=content
        )
    settings.SCAN_MAX_FILE_BYTES = 100
    with pytest.raises(ScanRejected, match="vượt quá dung lượng"):
        scan_batch_create(
            actor=officer, agency=counter_dossier.agency, name="c.pdf", content=content
        )
    assert ScanBatch.objects.count() == 1


def test_scan_create_needs_reception_role(
    make_staff, agency_tree, counter_dossier, tmp_path, fast_scans
) -> None:
    clerk = make_staff("vanthu", agency=agency_tree["ward"], role=Role.CLERK)
    path = scan_of(counter_dossier, ["cover"], tmp_path / "a.pdf")
    with pytest.raises(PermissionDenied):
        scan_batch_create(
            actor=clerk,
            agency=counter_dossier.agency,
            name="a.pdf",
            content=path.read_bytes(),
        )
    assert not ScanBatch.objects.exists()


# --- Review decisions -------------------------------------------------------------


@pytest.fixture
def reviewed_batch(officer, counter_dossier, tmp_path, fast_scans) -> ScanBatch:
    """Two stray pages before the cover, then component 1 with one page."""
    path = scan_of(
        counter_dossier,
        ["text", "text", "cover", ("sep", 1), "text"],
        tmp_path / "lo.pdf",
    )
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="lo.pdf",
        content=path.read_bytes(),
    )
    batch = scan_batch_run(batch_id=batch.pk)
    assert batch.status == BatchStatus.DONE
    return batch


def test_pages_before_cover_wait_for_review(reviewed_batch, counter_dossier) -> None:
    pending = reviewed_batch.pages.filter(review_state=ReviewState.PENDING)
    assert [p.index for p in pending] == [0, 1]
    assert {p.review_reason for p in pending} == {ReviewReason.BEFORE_COVER}
    assert all(p.thumbnail for p in pending)
    placed = counter_dossier.files.get(source=DossierFile.Source.SCAN)
    assert placed.scan_origin.pages == [4]


def test_assign_range_attaches_labelled_pdf_and_audits(
    officer, reviewed_batch, counter_dossier
) -> None:
    second = counter_dossier.procedure.components.all()[1]
    record = scan_pages_assign(
        actor=officer,
        batch=reviewed_batch,
        first=1,
        last=2,
        dossier=counter_dossier,
        component=second,
    )
    assert record.source == DossierFile.Source.REVIEW
    assert record.component == second
    assert record.scan_origin.pages == [0, 1]
    reader = PdfReader(record.file.open("rb"))
    assert len(reader.pages) == 2
    assert reader.page_labels[0].startswith(
        f"{counter_dossier.code} · {counter_dossier.procedure.code} · TP2"
    )
    states = set(
        reviewed_batch.pages.filter(index__in=[0, 1]).values_list(
            "review_state", flat=True
        )
    )
    assert states == {ReviewState.ASSIGNED}
    entry = AuditLogEntry.objects.get(action="scan_pages.assigned")
    assert entry.actor == officer
    assert entry.after["dossier"] == counter_dossier.code


def test_assign_refuses_pages_not_in_queue(
    officer, reviewed_batch, counter_dossier
) -> None:
    component = counter_dossier.procedure.components.first()
    files_before = DossierFile.objects.count()
    with pytest.raises(ValidationError, match="không nằm trong hàng chờ"):
        scan_pages_assign(
            actor=officer,
            batch=reviewed_batch,
            first=2,
            last=3,  # page 3 is the cover sheet
            dossier=counter_dossier,
            component=component,
        )
    with pytest.raises(ValidationError, match="không có đủ"):
        scan_pages_assign(
            actor=officer,
            batch=reviewed_batch,
            first=1,
            last=40,
            dossier=counter_dossier,
            component=component,
        )
    assert DossierFile.objects.count() == files_before
    assert reviewed_batch.pages.filter(review_state=ReviewState.PENDING).count() == 2
    assert not AuditLogEntry.objects.filter(action="scan_pages.assigned").exists()


def test_assign_refuses_component_of_other_procedure(
    officer, reviewed_batch, counter_dossier, agency_tree
) -> None:
    from backoffice.procedures.models import ProcedureComponent

    foreign = ProcedureComponent.objects.exclude(
        procedure=counter_dossier.procedure
    ).first()
    if foreign is None:
        from backoffice.procedures.services import procedures_import
        from tests.fixtures.procedures import as_json, procedure

        procedures_import(
            actor=None, name="p.json", content=as_json(procedure(code="1.000001"))
        )
        foreign = ProcedureComponent.objects.get(
            procedure__code="1.000001", sort_order=0
        )
    with pytest.raises(ValidationError, match="không thuộc thủ tục"):
        scan_pages_assign(
            actor=officer,
            batch=reviewed_batch,
            first=1,
            last=1,
            dossier=counter_dossier,
            component=foreign,
        )
    assert reviewed_batch.pages.filter(review_state=ReviewState.PENDING).count() == 2


def test_discard_range_is_audited(officer, reviewed_batch) -> None:
    count = scan_pages_discard(
        actor=officer, batch=reviewed_batch, first=1, last=2, reason="Trang nháp"
    )
    assert count == 2
    assert not reviewed_batch.pages.filter(review_state=ReviewState.PENDING).exists()
    entry = AuditLogEntry.objects.get(action="scan_pages.discarded")
    assert entry.note == "Trang nháp"
    assert entry.before["pages"] == [1, 2]


def test_an_iphone_heic_photo_is_accepted_as_a_scan_at_the_counter(
    officer, counter_dossier, fast_scans
) -> None:
    import io

    from PIL import Image

    from backoffice.dossiers.filetypes import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (600, 800), (235, 235, 230)).save(out, "HEIF", quality=40)
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        name="IMG_0042.HEIC",
        content=out.getvalue(),
        enqueue=False,
    )
    assert batch.media_type == "image/heic"
    assert batch.pages_total == 1
