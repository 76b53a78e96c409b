"""Demo e-files: the city's retention schedule and file catalogue, one file closed
with the released demo documents and meeting minutes in it, one still open.

Idempotent: lines and files are made only when missing.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from backoffice.core.models import Agency
from backoffice.outgoing.models import OutgoingDocument
from backoffice.records.constants import ItemKind
from backoffice.records.models import CatalogueEntry, EFile
from backoffice.records.services import (
    catalogue_entry_create,
    efile_close,
    efile_file,
    efile_open,
    efile_upload,
    retention_period_ensure,
)

from .documents import demo_pdf

# (name, years; None = permanent)
RETENTION = [
    ("Vĩnh viễn", None),
    ("Hồ sơ sự việc — 20 năm", 20),
    ("Hồ sơ hành chính — 10 năm", 10),
    ("Tài liệu tham khảo — 5 năm", 5),
]
# (code, title, unit, retention name)
CATALOGUE = [
    (
        "01.VP",
        "Hồ sơ chuyển đổi số của thành phố",
        "Văn phòng HĐND và UBND",
        "Hồ sơ sự việc — 20 năm",
    ),
    (
        "02.VP",
        "Hồ sơ tiếp công dân",
        "Văn phòng HĐND và UBND",
        "Hồ sơ hành chính — 10 năm",
    ),
    (
        "03.VP",
        "Quy chế làm việc của UBND thành phố",
        "Văn phòng HĐND và UBND",
        "Vĩnh viễn",
    ),
]


def demo_records_load(
    *, agency: Agency, clerk: AbstractBaseUser
) -> list[dict[str, Any]]:
    """Make the missing catalogue lines and demo files; the contract's rows
    (`load_demo --json` "efiles") for every file of the agency."""
    periods = {
        name: retention_period_ensure(actor=None, agency=agency, name=name, years=years)
        for name, years in RETENTION
    }
    year = timezone.localdate().year
    entries: dict[str, CatalogueEntry] = {}
    for code, title, unit, retention in CATALOGUE:
        entry = CatalogueEntry.objects.filter(
            agency=agency, year=year, code=code
        ).first()
        entries[code] = entry or catalogue_entry_create(
            actor=None,
            agency=agency,
            year=year,
            code=code,
            title=title,
            retention=periods[retention],
            responsible_unit=unit,
            responsible_person=clerk,
        )
    if not entries["01.VP"].efiles.exists():
        efile = efile_open(actor=None, entry=entries["01.VP"], responsible=clerk)
        for document in OutgoingDocument.objects.filter(
            agency=agency, number__isnull=False, efile_item__isnull=True
        ).order_by("number")[:2]:
            efile_file(actor=None, efile=efile, kind=ItemKind.OUTGOING, target=document)
        efile_upload(
            actor=None,
            efile=efile,
            kind="minutes",
            title="Biên bản họp triển khai chuyển đổi số",
            name="bien-ban-hop.pdf",
            content=demo_pdf(
                title="BIÊN BẢN HỌP",
                lines=["Triển khai kế hoạch chuyển đổi số năm " + str(year), "", NOTE],
            ),
        )
        efile_close(actor=None, efile=efile)
    if not entries["02.VP"].efiles.exists():
        efile = efile_open(actor=None, entry=entries["02.VP"], responsible=clerk)
        efile_upload(
            actor=None,
            efile=efile,
            kind="speech",
            title="Bài phát biểu tại buổi tiếp công dân",
            name="phat-bieu.pdf",
            content=demo_pdf(title="BÀI PHÁT BIỂU", lines=[NOTE]),
        )
    return [
        {"id": f.pk, "code": f.code, "closed": f.is_closed}
        for f in EFile.objects.filter(agency=agency).order_by("pk")
    ]


NOTE = "Tài liệu mẫu do hệ thống Một Cửa tạo cho dữ liệu trình diễn."
