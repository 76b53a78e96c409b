"""Leader approval: the assignee proposes, a leader of the step's agency approves
(results signed with the agency certificate, verifying valid) or returns it."""

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.approval import (
    dossier_proposal_approve,
    dossier_proposal_return,
    dossier_propose,
    dossier_refusal_reason,
)
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.handling import dossier_return_result
from backoffice.dossiers.models import DossierFile, DossierProposal
from backoffice.signatures.verification import pdf_verify
from tests.fixtures.dossiers import checked_upload
from tests.fixtures.signatures import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(accepted, desk):
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    return accepted


def _result():
    return checked_upload(make_pdf(["GIẤY KHAI SINH"]), name="giay-khai-sinh.pdf")


def _verdict(record: DossierFile) -> str:
    with record.file.open("rb") as handle:
        return pdf_verify(pdf_bytes=handle.read()).verdict


def test_proposal_then_approval_issues_signed_results(
    assigned, desk, agency_pki
) -> None:
    proposal = dossier_propose(
        dossier=assigned, actor=desk.specialist, outcome="approve", files=[_result()]
    )
    assert proposal.decision == "pending"
    assert not assigned.files.filter(kind=DossierFile.Kind.RESULT).exists()
    assigned.refresh_from_db()
    assert assigned.status == DossierStatus.PROCESSING

    dossier_proposal_approve(dossier=assigned, actor=desk.leader, comment="Đồng ý")

    assigned.refresh_from_db()
    assert assigned.status == DossierStatus.DONE
    result = assigned.files.get(kind=DossierFile.Kind.RESULT)
    assert _verdict(result) == "valid" == result.signature_verdict
    sheet = assigned.files.get(original_name__startswith="mau-06-")
    assert _verdict(sheet) == "valid"
    assert not assigned.steps.filter(state__in=["active", "waiting"]).exists()
    assert AuditLogEntry.objects.filter(action="dossier.result_issued").exists()
    dossier_return_result(dossier=assigned, actor=desk.reception)
    assert assigned.status == DossierStatus.RESULT_RETURNED


def test_a_refusal_needs_a_reason_and_issues_a_signed_notice(
    assigned, desk, agency_pki
) -> None:
    with pytest.raises(ValidationError, match="lý do từ chối"):
        dossier_propose(dossier=assigned, actor=desk.specialist, outcome="refuse")
    assert not DossierProposal.objects.exists()
    dossier_propose(
        dossier=assigned,
        actor=desk.specialist,
        outcome="refuse",
        note="Người yêu cầu không thuộc diện đăng ký",
    )
    dossier_proposal_approve(dossier=assigned, actor=desk.leader)
    assigned.refresh_from_db()
    assert assigned.status == DossierStatus.DONE
    notice = assigned.files.get(original_name__startswith="tu-choi-giai-quyet-")
    assert _verdict(notice) == "valid"
    assert dossier_refusal_reason(dossier=assigned) == (
        "Người yêu cầu không thuộc diện đăng ký"
    )


def test_approve_without_files_or_with_a_wrong_outcome_is_refused(
    assigned, desk
) -> None:
    with pytest.raises(ValidationError, match="tệp kết quả"):
        dossier_propose(dossier=assigned, actor=desk.specialist, outcome="approve")
    with pytest.raises(ValidationError, match="không phù hợp"):
        dossier_propose(dossier=assigned, actor=desk.specialist, outcome="forward")
    assert not DossierProposal.objects.exists()
    assert not assigned.files.filter(kind=DossierFile.Kind.PROPOSED).exists()


def test_a_leader_of_another_agency_cannot_approve(assigned, desk) -> None:
    dossier_propose(
        dossier=assigned, actor=desk.specialist, outcome="approve", files=[_result()]
    )
    audit = AuditLogEntry.objects.count()
    for outsider in (desk.ict_leader, desk.city_leader, desk.specialist):
        with pytest.raises(PermissionDenied, match="không có quyền"):
            dossier_proposal_approve(dossier=assigned, actor=outsider)
    assigned.refresh_from_db()
    assert assigned.status == DossierStatus.PROCESSING
    assert DossierProposal.objects.get().decision == "pending"
    assert not assigned.files.filter(kind=DossierFile.Kind.RESULT).exists()
    assert AuditLogEntry.objects.count() == audit


def test_the_leader_returns_a_proposal_with_a_comment(assigned, desk) -> None:
    dossier_propose(
        dossier=assigned, actor=desk.specialist, outcome="refuse", note="Thiếu"
    )
    with pytest.raises(ValidationError, match="ý kiến"):
        dossier_proposal_return(dossier=assigned, actor=desk.leader, comment=" ")
    assert DossierProposal.objects.get().decision == "pending"
    dossier_proposal_return(
        dossier=assigned, actor=desk.leader, comment="Xem lại căn cứ pháp lý"
    )
    proposal = DossierProposal.objects.get()
    assert proposal.decision == "returned"
    assert proposal.comment == "Xem lại căn cứ pháp lý"
    # Back with the specialist, who may propose again.
    dossier_propose(
        dossier=assigned, actor=desk.specialist, outcome="approve", files=[_result()]
    )
    assert DossierProposal.objects.filter(decision="pending").count() == 1


def test_approving_twice_gives_one_result(assigned, desk) -> None:
    dossier_propose(
        dossier=assigned, actor=desk.specialist, outcome="approve", files=[_result()]
    )
    dossier_proposal_approve(dossier=assigned, actor=desk.leader)
    with pytest.raises(ValidationError, match="không ở giai đoạn xử lý"):
        dossier_proposal_approve(dossier=assigned, actor=desk.leader)
    assert assigned.files.filter(kind=DossierFile.Kind.RESULT).count() == 1
    assert assigned.events.filter(status=DossierStatus.DONE).count() == 1
