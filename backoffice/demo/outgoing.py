"""Demo outgoing documents: a few released by the city People's Committee (one
with attachments), so the outgoing register and the receiving desks have data.

Idempotent: a document is made (drafted, submitted, approved, released) only
when no demo document with its subject exists yet.
"""

import os
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from backoffice.core.models import Agency
from backoffice.documents.constants import DocumentType
from backoffice.documents.services import PdfUpload
from backoffice.outgoing.constants import FileKind, FileRole
from backoffice.outgoing.models import OutgoingDocument
from backoffice.outgoing.release import outgoing_release
from backoffice.outgoing.services import (
    DraftInput,
    outgoing_approve,
    outgoing_draft_create,
    outgoing_submit,
)

from .documents import demo_pdf

ISSUER = "000.00.31.H53"
NOTE = "Dữ liệu mẫu"
# (type, subject, attachment titles, recipient agency codes)
DOCUMENTS: list[tuple[str, str, list[str], list[str]]] = [
    (
        DocumentType.KE_HOACH,
        "Kế hoạch chuyển đổi số năm 2026 của thành phố Sóc Trăng",
        ["Phụ lục I: Danh mục nhiệm vụ", "Phụ lục II: Phân công thực hiện"],
        ["000.01.31.H53"],
    ),
    (
        DocumentType.CONG_VAN,
        "Về việc đôn đốc tiếp nhận hồ sơ trực tuyến toàn trình",
        [],
        ["000.01.31.H53", "000.00.01.H53"],
    ),
    (
        DocumentType.THONG_BAO,
        "Thông báo lịch tiếp công dân tháng 12 năm 2026",
        [],
        ["000.01.31.H53"],
    ),
]


def _pdf(title: str, subject: str) -> bytes:
    return demo_pdf(
        title=title.upper(),
        lines=[
            "ỦY BAN NHÂN DÂN THÀNH PHỐ SÓC TRĂNG",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc",
            "",
            subject,
            "",
            "Văn bản mẫu do hệ thống Một Cửa tạo cho dữ liệu trình diễn.",
        ],
    )


def _row(document: OutgoingDocument) -> dict[str, Any]:
    signed = document.files.filter(kind=FileKind.SIGNED).order_by("position")
    main = next(f for f in signed if f.role == FileRole.MAIN)
    return {
        "id": document.pk,
        "number_symbol": document.number_symbol,
        "main_file": os.path.abspath(main.file.path),
        "attachments": [
            os.path.abspath(f.file.path)
            for f in signed
            if f.role == FileRole.ATTACHMENT
        ],
    }


def demo_outgoing_load(
    *,
    agencies: dict[str, Agency],
    specialist: AbstractBaseUser,
    leader: AbstractBaseUser,
    clerk: AbstractBaseUser,
) -> list[dict[str, Any]]:
    """Release the demo documents that are missing; returns the contract's rows
    (`load_demo --json` "outgoing") for every released demo document."""
    issuer = agencies[ISSUER]
    for document_type, subject, annexes, recipients in DOCUMENTS:
        if OutgoingDocument.objects.filter(
            agency=issuer, subject=subject, notes=NOTE
        ).exists():
            continue
        with transaction.atomic():
            document = outgoing_draft_create(
                agency=issuer,
                actor=specialist,
                data=DraftInput(
                    document_type=document_type,
                    subject=subject,
                    issuer_symbol="UBND",
                    drafting_unit="Văn phòng HĐND và UBND thành phố",
                    drafting_unit_symbol="VP",
                    field="Hành chính",
                    notes=NOTE,
                    file_copy_holder="Văn thư, VP",
                    recipient_agencies=[agencies[code] for code in recipients],
                ),
                main=PdfUpload("du-thao.pdf", _pdf(str(document_type.label), subject)),
                attachments=[
                    PdfUpload(f"phu-luc-{i}.pdf", _pdf(title, subject))
                    for i, title in enumerate(annexes, start=1)
                ],
            )
            outgoing_submit(document=document, actor=specialist)
            outgoing_approve(document=document, actor=leader)
            outgoing_release(document=document, actor=clerk)
    released = OutgoingDocument.objects.filter(
        agency=issuer, notes=NOTE, number__isnull=False
    ).order_by("number")
    return [_row(document) for document in released]
