"""E-mails to the applicant: the signed receipt on submission, then every status."""

from django.core import mail

import pytest

from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.handling import dossier_accept, dossier_refuse
from backoffice.dossiers.services import dossier_submit
from backoffice.signatures.verification import pdf_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(
    birth_registration,
    agency_tree,
    applicant,
    complete_files,
    agency_pki,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_submit(
            procedure=birth_registration,
            agency=agency_tree["ward"],
            channel=Channel.ONLINE,
            applicant=applicant,
            files=complete_files,
        )
    return dossier


def test_receipt_email_carries_the_signed_slip(submitted, applicant) -> None:
    [message] = mail.outbox
    assert message.to == [applicant.email]
    assert submitted.code in message.subject
    assert submitted.lookup_secret in message.body
    [(name, content, media_type)] = message.attachments
    assert name == f"giay-tiep-nhan-{submitted.code}.pdf"
    assert media_type == "application/pdf"
    assert pdf_verify(pdf_bytes=content).verdict == "valid"


def test_every_status_change_is_mailed(
    submitted, agency_tree, make_staff, django_capture_on_commit_callbacks
) -> None:
    officer = make_staff("tn", agency=agency_tree["ward"], role="reception")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier_accept(dossier=submitted, actor=officer)
    [accepted] = mail.outbox
    assert "Đã tiếp nhận" in accepted.subject or "tiếp nhận" in accepted.body
    assert submitted.code in accepted.subject
    submitted.refresh_from_db()
    assert submitted.status == DossierStatus.ACCEPTED


def test_refusal_mail_gives_the_reason(
    birth_registration,
    agency_tree,
    applicant,
    complete_files,
    make_staff,
    celery_eager,
    agency_pki,
    django_capture_on_commit_callbacks,
) -> None:
    officer = make_staff("tn", agency=agency_tree["ward"], role="reception")
    dossier = dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=complete_files,
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier_refuse(
            dossier=dossier, actor=officer, reason="Thủ tục không thuộc thẩm quyền."
        )
    [refused] = mail.outbox
    assert "Thủ tục không thuộc thẩm quyền." in refused.body


def test_refusal_mail_has_no_appointment_and_carries_form_03(
    birth_registration,
    agency_tree,
    applicant,
    complete_files,
    make_staff,
    celery_eager,
    agency_pki,
    django_capture_on_commit_callbacks,
) -> None:
    officer = make_staff("tn", agency=agency_tree["ward"], role="reception")
    dossier = dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=complete_files,
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier_refuse(dossier=dossier, actor=officer, reason="Sai thẩm quyền.")
    [refused] = mail.outbox
    assert "Lý do: Sai thẩm quyền." in refused.body
    assert "Hẹn trả kết quả" not in refused.body
    [(name, content, media_type)] = refused.attachments
    assert name == f"mau-03-tu-choi-{dossier.code}.pdf"
    assert media_type == "application/pdf"
    assert content.startswith(b"%PDF")


def test_outcome_helpers_for_a_stopped_dossier(alice_dossier) -> None:
    from backoffice.dossiers.notifications import (
        outcome_form,
        outcome_reason,
        refusal_reason,
        shows_due_date,
        status_email,
    )
    from backoffice.dossiers.services import dossier_transition

    _alice, dossier = alice_dossier
    assert refusal_reason(dossier=dossier) is None
    assert shows_due_date(dossier=dossier)
    dossier_transition(dossier=dossier, to=DossierStatus.ACCEPTED, actor=None)
    dossier = dossier_transition(
        dossier=dossier,
        to=DossierStatus.STOPPED,
        actor=None,
        note="Người nộp đề nghị dừng.",
    )
    assert refusal_reason(dossier=dossier) == "Người nộp đề nghị dừng."
    assert outcome_reason(dossier=dossier) == "Người nộp đề nghị dừng."
    assert not shows_due_date(dossier=dossier)
    assert outcome_form(dossier=dossier) is None
    event = dossier.events.order_by("-at", "-id").first()
    body = status_email(dossier=dossier, event=event).body
    assert "Lý do: Người nộp đề nghị dừng." in body
    assert "Hẹn trả kết quả" not in body


def test_progress_mail_still_gives_the_appointment(submitted, agency_tree) -> None:
    from backoffice.dossiers.notifications import status_email
    from backoffice.dossiers.services import dossier_transition

    dossier = dossier_transition(
        dossier=submitted, to=DossierStatus.ACCEPTED, actor=None, note="Đủ giấy tờ."
    )
    event = dossier.events.order_by("-at", "-id").first()
    body = status_email(dossier=dossier, event=event).body
    assert "Ghi chú: Đủ giấy tờ." in body
    assert "Hẹn trả kết quả" in body
