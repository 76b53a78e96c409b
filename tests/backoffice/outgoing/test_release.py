"""Release: number, sign and record, all or nothing (issue 11)."""

import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection

import pytest

from backoffice.core.numbering import register_number_last
from backoffice.outgoing.constants import EventKind, FileKind, OutgoingStatus
from backoffice.outgoing.models import OutgoingFile
from backoffice.outgoing.release import outgoing_release
from backoffice.outgoing.services import (
    OutgoingRejected,
    outgoing_cancel,
    outgoing_draft_create,
    outgoing_submit,
)
from backoffice.signatures.models import AgencySigningCertificate, StaffSigningKey
from backoffice.signatures.official import AGENCY_FIELD, ATTACHMENT_FIELD, LEADER_FIELD
from backoffice.signatures.verification import pdf_verify
from tests.fixtures.databases import postgresql_only

from .conftest import draft_input, main_pdf


def _last(office) -> int:
    from django.utils import timezone

    return register_number_last(
        agency=office.agency, register="outgoing", year=timezone.localdate().year
    )


def _read(record: OutgoingFile) -> bytes:
    with record.file.open("rb") as handle:
        return handle.read()


def _signed(document) -> list[OutgoingFile]:
    return list(
        document.files.filter(kind=FileKind.SIGNED).order_by("role", "position")
    )


def test_release_numbers_and_signs_leader_then_agency(office, pkcs12_keys, approved):
    document = approved(attachments=2)

    released = outgoing_release(document=document, actor=office.clerk)

    assert released.status == OutgoingStatus.RELEASED
    assert released.number == 1
    assert released.number_symbol == "01/QĐ-STP"
    main, *attachments = sorted(_signed(released), key=lambda f: f.role != "main")
    verdict = pdf_verify(pdf_bytes=_read(main))
    assert verdict.verdict == "valid"
    assert [s.field for s in verdict.signatures] == [LEADER_FIELD, AGENCY_FIELD]
    assert verdict.signatures[0].signer == "Nguyễn Văn Lãnh Đạo"
    assert verdict.signatures[1].signer == "Sở Tư pháp"
    assert len(attachments) == 2
    for record in attachments:
        report = pdf_verify(pdf_bytes=_read(record))
        assert report.verdict == "valid"
        assert [s.field for s in report.signatures] == [ATTACHMENT_FIELD]
    # The draft version is kept next to the signed one.
    assert released.files.filter(kind=FileKind.DRAFT).count() == 3
    assert released.signer_position == "Giám đốc"
    assert _last(office) == 1


def test_the_next_release_takes_the_next_number_and_cong_van_uses_the_unit(
    office, pkcs12_keys, approved
):
    outgoing_release(document=approved(attachments=0), actor=office.clerk)
    second = approved(attachments=0, document_type="cong-van")

    assert outgoing_release(document=second, actor=office.clerk).number_symbol == (
        "02/STP-VP"
    )


def test_a_legal_document_carries_the_year(office, pkcs12_keys, approved):
    from django.utils import timezone

    released = outgoing_release(
        document=approved(attachments=0, is_legal=True), actor=office.clerk
    )

    assert released.number_symbol == f"01/{timezone.localdate().year}/QĐ-STP"


def test_release_without_approval_is_refused_and_takes_no_number(office, pkcs12_keys):
    document = outgoing_draft_create(
        agency=office.agency,
        actor=office.specialist,
        data=draft_input(),
        main=main_pdf(),
    )
    outgoing_submit(document=document, actor=office.specialist)

    with pytest.raises(OutgoingRejected, match="chưa được lãnh đạo duyệt"):
        outgoing_release(document=document, actor=office.clerk)

    document.refresh_from_db()
    assert document.status == OutgoingStatus.SUBMITTED
    assert document.number is None
    assert _last(office) == 0


def test_releasing_twice_gives_one_number(office, pkcs12_keys, approved):
    document = approved(attachments=0)
    outgoing_release(document=document, actor=office.clerk)

    with pytest.raises(OutgoingRejected, match="đã được phát hành với số 01/QĐ-STP"):
        outgoing_release(document=document, actor=office.clerk)

    assert _last(office) == 1
    assert document.files.filter(kind=FileKind.SIGNED).count() == 1


def test_only_a_clerk_of_the_agency_releases(office, pkcs12_keys, approved):
    document = approved(attachments=0)

    with pytest.raises(PermissionDenied):
        outgoing_release(document=document, actor=office.specialist)
    assert _last(office) == 0


def test_a_missing_leader_key_stops_the_release_cleanly(office, pkcs12_keys, approved):
    document = approved(attachments=0)
    StaffSigningKey.objects.filter(user=office.leader).update(is_active=False)

    with pytest.raises(OutgoingRejected, match="không còn chữ ký số cá nhân"):
        outgoing_release(document=document, actor=office.clerk)
    assert _last(office) == 0


def test_recalling_a_released_document_keeps_its_number(office, pkcs12_keys, approved):
    first = outgoing_release(document=approved(attachments=0), actor=office.clerk)

    outgoing_cancel(document=first, actor=office.clerk, reason="Ban hành nhầm")
    second = outgoing_release(document=approved(attachments=0), actor=office.clerk)

    first.refresh_from_db()
    assert (first.status, first.number) == (OutgoingStatus.CANCELLED, 1)
    assert second.number == 2


# --- PKCS#11 (SoftHSM2) ---------------------------------------------------------


def test_release_signs_with_keys_on_a_pkcs11_token(office, token_keys, approved):
    released = outgoing_release(document=approved(attachments=1), actor=office.clerk)

    main, attachment = sorted(_signed(released), key=lambda f: f.role != "main")
    verdict = pdf_verify(pdf_bytes=_read(main))
    assert verdict.verdict == "valid"
    assert [s.signer for s in verdict.signatures] == [
        "Trần Thị Lãnh Đạo",
        "Sở Tư pháp tỉnh Sóc Trăng",
    ]
    assert pdf_verify(pdf_bytes=_read(attachment)).verdict == "valid"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("wrong_pin", "Sai mã PIN"),
        ("missing_label", "Không tìm thấy khóa hoặc chứng thư có nhãn"),
        ("removed_token", "Không kết nối được thiết bị ký số"),
        ("missing_module", "Không tìm thấy thư viện PKCS#11"),
    ],
)
def test_a_signing_failure_burns_no_number_and_keeps_no_file(
    office, token_keys, approved, settings, change, message
):
    document = approved(attachments=1)
    files_before = OutgoingFile.objects.count()
    if change == "wrong_pin":
        settings.SIGNING_KEY_PASSWORDS = {"SIGNING_PASSWORD_HSM": "000000"}
    elif change == "missing_label":
        AgencySigningCertificate.objects.filter(agency=office.agency).update(
            key_label="khong-co"
        )
    elif change == "removed_token":
        StaffSigningKey.objects.filter(user=office.leader).update(
            token_label="token-da-rut"
        )
    else:
        AgencySigningCertificate.objects.filter(agency=office.agency).update(
            pkcs11_module="/usr/lib/khong-co/libpkcs11.so"
        )
    media = Path(settings.MEDIA_ROOT)
    on_disk = sorted(media.rglob("*.pdf"))

    with pytest.raises(OutgoingRejected, match=message):
        outgoing_release(document=document, actor=office.clerk)

    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    assert (document.number, document.number_symbol) == (None, "")
    assert _last(office) == 0
    assert OutgoingFile.objects.count() == files_before
    assert sorted(media.rglob("*.pdf")) == on_disk
    failure = document.events.get(kind=EventKind.RELEASE_FAILED)
    assert message in failure.comment

    settings.SIGNING_KEY_PASSWORDS = {"SIGNING_PASSWORD_HSM": token_keys.pin}
    AgencySigningCertificate.objects.filter(agency=office.agency).update(
        key_label="agency-seal", pkcs11_module=token_keys.module
    )
    StaffSigningKey.objects.filter(user=office.leader).update(
        token_label=token_keys.label
    )
    assert outgoing_release(document=document, actor=office.clerk).number == 1


def test_a_released_main_file_verifies_with_the_verify_pdf_command(
    office, token_keys, approved, tmp_path
):
    released = outgoing_release(document=approved(attachments=0), actor=office.clerk)
    main = released.files.get(kind=FileKind.SIGNED)
    path = tmp_path / "main.pdf"
    path.write_bytes(_read(main))
    root = tmp_path / "root.pem"
    root.write_bytes(token_keys.root_pem)

    out = io.StringIO()
    call_command(
        "verify_pdf", str(path), "--json", "--trust-root", str(root), stdout=out
    )

    report = json.loads(out.getvalue())
    assert report["verdict"] == "valid"
    assert len(report["signatures"]) == 2


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_concurrent_releases_get_distinct_gap_free_numbers_and_one_each(
    office, pkcs12_keys, approved
):
    documents = [approved(attachments=0) for _ in range(8)]
    twice = documents + documents[:2]  # two documents released twice at once

    def release(document) -> int | None:
        try:
            return outgoing_release(document=document, actor=office.clerk).number
        except OutgoingRejected:
            return None
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(release, twice))

    taken = sorted(n for n in numbers if n is not None)
    assert taken == list(range(1, 9))
    assert _last(office) == 8
