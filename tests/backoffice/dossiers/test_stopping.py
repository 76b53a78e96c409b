"""Form 05: a leader of the agency holding the dossier stops its processing (status
8) with a reason; the notice is signed with the agency certificate and reaches the
applicant. Anyone else, any other status, no reason: a clear error, nothing changed."""

import io
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

import pytest
from pypdf import PdfReader

from backoffice.core.models import AuditLogEntry, OutboxMessage
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import Dossier, DossierFile, DossierStep
from backoffice.dossiers.notifications import outcome_form, refusal_reason
from backoffice.dossiers.services import dossier_transition
from backoffice.dossiers.stopping import dossier_stop
from backoffice.dossiers.transfer import dossier_transfer
from backoffice.signatures.verification import pdf_verify

pytestmark = pytest.mark.django_db

S = DossierStatus
REASON = "Quá thời hạn bổ sung hồ sơ mà người nộp không bổ sung."


@pytest.fixture
def sms_folder(settings, tmp_path: Path) -> Path:
    settings.SMS_BACKEND = "backoffice.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


@pytest.fixture
def processing(accepted, desk) -> Dossier:
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    accepted.refresh_from_db()
    return accepted


def snapshot(dossier: Dossier, media: Path, sms: Path) -> dict[str, Any]:
    dossier.refresh_from_db()
    return {
        "status": dossier.status,
        "due_at": dossier.due_at,
        "finished_at": dossier.finished_at,
        "events": list(dossier.events.values_list("pk", "status", "note")),
        "files": list(dossier.files.values_list("pk", "sha256")),
        "stored": sorted(str(p) for p in media.rglob("*") if p.is_file()),
        "steps": list(
            DossierStep.objects.filter(dossier=dossier).values_list("pk", "state")
        ),
        "audit": list(AuditLogEntry.objects.values_list("pk", flat=True)),
        "outbox": OutboxMessage.objects.count(),
        "mail": len(mail.outbox),
        "sms": sorted(sms.iterdir()) if sms.exists() else [],
    }


def test_a_leader_stops_with_a_signed_form_05_and_the_citizen_is_told(
    processing,
    desk,
    agency_pki,
    sms_folder,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        form = dossier_stop(dossier=processing, actor=desk.leader, reason=REASON)
    processing.refresh_from_db()
    assert processing.status == S.STOPPED
    assert processing.finished_at is not None
    event = processing.events.order_by("-at", "-id").first()
    assert (event.status, event.note, event.actor) == (S.STOPPED, REASON, desk.leader)
    assert not processing.steps.filter(state=DossierStep.State.ACTIVE).exists()

    # Form 05: named for the citizen's page, signed by the agency, valid.
    assert form.kind == DossierFile.Kind.FORM
    assert form.original_name == f"mau-05-dung-xu-ly-{processing.code}.pdf"
    assert form.signature_verdict == "valid"
    with form.file.open("rb") as handle:
        content = handle.read()
    assert pdf_verify(pdf_bytes=content).verdict == "valid"
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages
    )
    assert "THÔNG BÁO VỀ VIỆC DỪNG XỬ LÝ HỒ SƠ" in text
    assert REASON in text
    assert processing.agency.name in text
    assert "LD Cán bộ" in text  # the leader who signed
    assert "118/2025/NĐ-CP" in text

    # Audited; the citizen's page and mail give the reason and the form.
    entry = AuditLogEntry.objects.get(action="dossier.stopped")
    assert entry.actor == desk.leader
    assert entry.note == REASON
    assert refusal_reason(dossier=processing) == REASON
    assert outcome_form(dossier=processing) == form
    [message] = mail.outbox
    assert f"Lý do: {REASON}" in message.body
    assert "Hẹn trả kết quả" not in message.body
    [(name, attached, media_type)] = message.attachments
    assert name == form.original_name
    assert attached == content
    [sms_file] = sms_folder.iterdir()
    sms = sms_file.read_text(encoding="utf-8")
    assert processing.code in sms
    assert "Dung xu ly" in sms


@pytest.mark.parametrize(
    "path",
    [
        (),
        (S.PROCESSING,),
        (S.SUPPLEMENT_REQUESTED,),
        (S.PROCESSING, S.AWAITING_FEE),
    ],
    ids=["accepted", "processing", "supplement_requested", "awaiting_fee"],
)
def test_every_stoppable_status(
    path,
    accepted,
    desk,
    agency_pki,
) -> None:
    for status in path:
        dossier_transition(dossier=accepted, to=status, actor=None)
    dossier_stop(dossier=accepted, actor=desk.leader, reason="Người nộp đề nghị dừng.")
    accepted.refresh_from_db()
    assert accepted.status == S.STOPPED


@pytest.mark.parametrize(
    "reason", ["", "   \n ", "x" * 1001], ids=["empty", "blank", "too_long"]
)
def test_without_a_proper_reason_nothing_changes(
    reason,
    processing,
    desk,
    agency_pki,
    settings,
    sms_folder,
) -> None:
    before = snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder)
    with pytest.raises(ValidationError, match="lý do|Lý do"):
        dossier_stop(dossier=processing, actor=desk.leader, reason=reason)
    assert snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder) == before


@pytest.mark.parametrize(
    "path",
    [
        (S.NOT_ACCEPTED,),
        (S.WITHDRAWN,),
        (S.ACCEPTED, S.PROCESSING, S.DONE),
        (S.ACCEPTED, S.PROCESSING, S.DONE, S.RESULT_RETURNED),
        (S.ACCEPTED, S.STOPPED),
    ],
    ids=["refused", "withdrawn", "done", "returned", "already_stopped"],
)
def test_a_dossier_already_decided_cannot_be_stopped(
    path,
    submitted,
    desk,
    agency_pki,
    settings,
    sms_folder,
) -> None:
    for status in path:
        dossier_transition(dossier=submitted, to=status, actor=None)
    before = snapshot(submitted, Path(settings.MEDIA_ROOT), sms_folder)
    with pytest.raises(ValidationError, match="chỉ dừng xử lý"):
        dossier_stop(dossier=submitted, actor=desk.leader, reason=REASON)
    assert snapshot(submitted, Path(settings.MEDIA_ROOT), sms_folder) == before


def test_a_new_dossier_is_refused_at_the_desk_not_stopped(
    submitted,
    desk,
    settings,
    sms_folder,
) -> None:
    before = snapshot(submitted, Path(settings.MEDIA_ROOT), sms_folder)
    with pytest.raises(ValidationError, match="Mới tiếp nhận"):
        dossier_stop(dossier=submitted, actor=desk.leader, reason=REASON)
    assert snapshot(submitted, Path(settings.MEDIA_ROOT), sms_folder) == before


@pytest.mark.parametrize(
    "who", ["specialist", "reception", "clerk", "city_leader", "ict_leader"]
)
def test_only_a_leader_of_the_holding_agency_may_stop(
    who,
    processing,
    desk,
    agency_pki,
    settings,
    sms_folder,
) -> None:
    before = snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder)
    with pytest.raises(PermissionDenied, match="không có quyền"):
        dossier_stop(dossier=processing, actor=getattr(desk, who), reason=REASON)
    assert snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder) == before


def test_a_province_leader_above_the_agency_may_not_stop(
    processing, make_staff, agency_tree, settings, sms_folder
) -> None:
    above = make_staff("ld-tinh", agency=agency_tree["province"], role="leader")
    before = snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder)
    with pytest.raises(PermissionDenied):
        dossier_stop(dossier=processing, actor=above, reason=REASON)
    assert snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder) == before


def test_after_a_transfer_the_holding_agencys_leader_stops_it(
    processing,
    desk,
    agency_tree,
    agency_pki,
    settings,
    sms_folder,
) -> None:
    dossier_transfer(
        dossier=processing, actor=desk.leader, to_agency=agency_tree["city"], days=1
    )
    before = snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder)
    with pytest.raises(PermissionDenied):
        dossier_stop(dossier=processing, actor=desk.leader, reason=REASON)
    assert snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder) == before
    form = dossier_stop(dossier=processing, actor=desk.city_leader, reason=REASON)
    processing.refresh_from_db()
    assert processing.status == S.STOPPED
    assert form.signature_verdict == "valid"
    entry = AuditLogEntry.objects.get(action="dossier.stopped")
    assert entry.agency_code == agency_tree["city"].code


# The staff page over HTTP: the button only for the holding agency's leader, and
# a direct POST by anyone else is 403 (404 for an agency that cannot see it).
ROLES = ("reception", "specialist", "leader", "clerk", "city_leader", "ict_leader")


@pytest.mark.parametrize("role", ROLES)
def test_the_stop_action_over_http(
    role,
    processing,
    desk,
    agency_pki,
    verified_client,
    settings,
    sms_folder,
) -> None:
    client = verified_client(getattr(desk, role))
    page = client.get(f"/backoffice/ho-so/{processing.code}/").content.decode()
    shown = 'name="action" value="stop"' in page
    assert shown == (role == "leader")
    before = snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder)
    response = client.post(
        f"/backoffice/ho-so/{processing.code}/thao-tac/",
        {"action": "stop", "reason": REASON},
    )
    if role == "leader":
        assert response.status_code == 302
        processing.refresh_from_db()
        assert processing.status == S.STOPPED
        return
    assert response.status_code == (404 if role == "ict_leader" else 403)
    assert snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder) == before


def test_an_empty_reason_over_http_is_shown_and_changes_nothing(
    processing,
    desk,
    verified_client,
    settings,
    sms_folder,
) -> None:
    client = verified_client(desk.leader)
    before = snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder)
    response = client.post(
        f"/backoffice/ho-so/{processing.code}/thao-tac/",
        {"action": "stop", "reason": "  "},
        follow=True,
    )
    assert "Hãy ghi rõ lý do dừng xử lý hồ sơ." in response.content.decode()
    # Reading the page records a "viewed" audit entry; nothing else may change.
    after = snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder)
    viewed = set(
        AuditLogEntry.objects.filter(action="dossier.viewed").values_list(
            "pk", flat=True
        )
    )
    after["audit"] = [pk for pk in after["audit"] if pk not in viewed]
    assert after == before


def test_a_returned_dossier_offers_no_stop_and_a_post_is_refused(
    processing,
    desk,
    verified_client,
    settings,
    sms_folder,
) -> None:
    for status in (S.DONE, S.RESULT_RETURNED):
        dossier_transition(dossier=processing, to=status, actor=None)
    client = verified_client(desk.leader)
    page = client.get(f"/backoffice/ho-so/{processing.code}/").content.decode()
    assert 'value="stop"' not in page
    before = snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder)
    response = client.post(
        f"/backoffice/ho-so/{processing.code}/thao-tac/",
        {"action": "stop", "reason": REASON},
    )
    assert response.status_code == 403
    assert snapshot(processing, Path(settings.MEDIA_ROOT), sms_folder) == before
