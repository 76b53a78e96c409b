"""The one notification service: every status a citizen cares about reaches them
by e-mail and by SMS (when the dossier has a valid mobile number), each channel in
its own task, so a failing SMS provider is retried without mailing twice."""

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from django.core import mail

import pytest

from backoffice.core.sms import SmsDeliveryError, SmsMessage
from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.deadlines import dossier_suspend
from backoffice.dossiers.models import Dossier
from backoffice.dossiers.notify import CITIZEN_STATUSES
from backoffice.dossiers.services import dossier_submit, dossier_transition

pytestmark = pytest.mark.django_db

S = DossierStatus

# The way to each status a citizen is told about (the last move is the one checked).
PATHS: dict[int, tuple[int, ...]] = {
    S.NEW: (S.SUPPLEMENT_REQUESTED, S.NEW),
    S.ACCEPTED: (S.ACCEPTED,),
    S.NOT_ACCEPTED: (S.NOT_ACCEPTED,),
    S.SUPPLEMENT_REQUESTED: (S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED),
    S.AWAITING_FEE: (S.ACCEPTED, S.PROCESSING, S.AWAITING_FEE),
    S.WITHDRAWN: (S.WITHDRAWN,),
    S.STOPPED: (S.ACCEPTED, S.STOPPED),
    S.DONE: (S.ACCEPTED, S.PROCESSING, S.DONE),
    S.RESULT_RETURNED: (S.ACCEPTED, S.PROCESSING, S.DONE, S.RESULT_RETURNED),
}


@pytest.fixture
def sms_folder(settings, tmp_path: Path) -> Path:
    """The real file backend, into the test's folder."""
    settings.SMS_BACKEND = "backoffice.core.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms"


def texts(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return [
        f.read_text(encoding="utf-8").splitlines()[1] for f in sorted(folder.iterdir())
    ]


def submit(birth_registration, agency_tree, complete_files, **applicant) -> Dossier:
    from backoffice.dossiers.services import Applicant

    person = {
        "name": "Nguyễn Văn An",
        "id_number": "094095001234",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        **applicant,
    }
    return dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=Applicant(**person),
        files=complete_files,
    )


def move(dossier: Dossier, path: Sequence[int], capture) -> Dossier:
    """All moves but the last without delivering; the last one delivered."""
    for status in path[:-1]:
        dossier = dossier_transition(dossier=dossier, to=status, actor=None)
    with capture(execute=True):
        return dossier_transition(
            dossier=dossier, to=path[-1], actor=None, note="Ghi chú của cơ quan."
        )


def test_the_statuses_a_citizen_cares_about() -> None:
    assert set(PATHS) == CITIZEN_STATUSES
    assert S.PROCESSING not in CITIZEN_STATUSES


@pytest.mark.parametrize("status", sorted(PATHS), ids=lambda s: S(s).name)
def test_each_status_a_citizen_cares_about_goes_by_email_and_sms(
    status,
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    dossier = submit(birth_registration, agency_tree, complete_files)
    dossier = move(dossier, PATHS[status], django_capture_on_commit_callbacks)
    label = str(S(status).label)
    [message] = mail.outbox
    assert message.to == ["an@example.vn"]
    assert label in message.subject
    [sms] = texts(sms_folder)
    assert dossier.code in sms
    assert sms.isascii()
    assert len(sms) <= 160, len(sms)
    from anyascii import anyascii

    assert anyascii(label) in sms
    assert f"code={dossier.code}" in sms
    assert dossier.lookup_secret not in sms  # the secret stays in the e-mail


def test_a_long_site_address_keeps_the_sms_in_one_segment(
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    settings,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.soctrang.gov.vn"
    dossier = submit(birth_registration, agency_tree, complete_files)
    path = PATHS[S.AWAITING_FEE]
    move(dossier, path, django_capture_on_commit_callbacks)
    [sms] = texts(sms_folder)
    assert len(sms) <= 160, sms
    # Without room for the code, the bare lookup page still tells where to look.
    assert sms.endswith("Tra cuu: https://dichvucong.soctrang.gov.vn/tra-cuu-ho-so/")


def test_a_move_the_citizen_does_not_need_is_not_sent(
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    dossier = submit(birth_registration, agency_tree, complete_files)
    move(dossier, (S.ACCEPTED, S.PROCESSING), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert texts(sms_folder) == []


def test_without_a_phone_only_the_email_goes(
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    dossier = submit(birth_registration, agency_tree, complete_files, phone="")
    move(dossier, (S.ACCEPTED,), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert texts(sms_folder) == []


def test_without_an_email_only_the_sms_goes(
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    dossier = submit(birth_registration, agency_tree, complete_files, email="")
    move(dossier, (S.ACCEPTED,), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert len(texts(sms_folder)) == 1


def test_an_invalid_number_is_skipped_and_logged_never_raised(
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    celery_eager,
    django_capture_on_commit_callbacks,
    caplog,
) -> None:
    # A landline: the applicant gave it, the transition must not fail on it.
    dossier = submit(birth_registration, agency_tree, complete_files, phone="0299382")
    with caplog.at_level(logging.WARNING, logger="backoffice.dossiers.notify"):
        dossier = move(dossier, (S.ACCEPTED,), django_capture_on_commit_callbacks)
    assert dossier.status == S.ACCEPTED
    assert len(mail.outbox) == 1
    assert texts(sms_folder) == []
    assert "not a Vietnamese mobile number" in caplog.text


def test_the_receipt_goes_by_email_with_the_slip_and_by_sms(
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    agency_pki,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(birth_registration, agency_tree, complete_files)
    [message] = mail.outbox
    [(name, _content, _type)] = message.attachments
    assert name == f"giay-tiep-nhan-{dossier.code}.pdf"
    [sms] = texts(sms_folder)
    assert sms.startswith(f"Mot Cua: da tiep nhan ho so {dossier.code}, hen tra")
    assert len(sms) <= 160


@pytest.mark.parametrize("email", [True, False], ids=["email-and-sms", "sms-only"])
def test_an_extension_with_form_04_is_sent_with_the_new_date(
    email,
    accepted,
    desk,
    sms_folder,
    agency_pki,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    from backoffice.core.workcalendar import WorkingCalendar
    from backoffice.dossiers.assignment import dossier_assign

    if not email:  # a phone and no e-mail: the extension still reaches them
        type(accepted).objects.filter(pk=accepted.pk).update(applicant_email="")
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    calendar = WorkingCalendar(agency=accepted.agency)
    accepted.refresh_from_db()
    new_date = calendar.next_working_day(calendar.to_local(accepted.due_at).date())
    with django_capture_on_commit_callbacks(execute=True):
        dossier_suspend(
            dossier=accepted,
            actor=desk.leader,
            reason="Cần xác minh",
            new_date=new_date,
        )
    if email:
        [message] = mail.outbox
        assert "Cần xác minh" in message.body
    else:
        assert mail.outbox == []
    [sms] = texts(sms_folder)
    assert "hen lai ngay tra ket qua" in sms
    assert new_date.strftime("%d/%m/%Y") in sms


class FlakySmsBackend:
    """A provider that is away for the first `failures` attempts."""

    failures = 2
    attempts: list[SmsMessage] = []
    delivered: list[SmsMessage] = []

    def __init__(self, **kwargs) -> None:
        pass

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        FlakySmsBackend.attempts.extend(messages)
        if len(FlakySmsBackend.attempts) <= FlakySmsBackend.failures:
            raise SmsDeliveryError("provider away")
        FlakySmsBackend.delivered.extend(messages)
        return len(messages)


def test_a_failing_sms_is_retried_and_the_email_is_sent_once(
    birth_registration,
    agency_tree,
    complete_files,
    settings,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    settings.SMS_BACKEND = f"{__name__}.FlakySmsBackend"
    FlakySmsBackend.attempts, FlakySmsBackend.delivered = [], []
    dossier = submit(birth_registration, agency_tree, complete_files)
    move(dossier, (S.ACCEPTED,), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert len(FlakySmsBackend.attempts) == 3  # two failures, then delivered
    [delivered] = FlakySmsBackend.delivered
    assert dataclasses.asdict(delivered)["to"] == "+84912345678"


def test_a_failing_email_does_not_stop_the_sms(
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    settings,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.DownEmailBackend"
    DownEmailBackend.attempts = 0
    dossier = submit(birth_registration, agency_tree, complete_files)
    dossier = move(dossier, (S.ACCEPTED,), django_capture_on_commit_callbacks)
    assert dossier.status == S.ACCEPTED
    assert DownEmailBackend.attempts > 1  # retried by the task policy
    assert mail.outbox == []
    assert len(texts(sms_folder)) == 1


class DownEmailBackend:
    """An SMTP server that is away."""

    attempts = 0

    def __init__(self, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        DownEmailBackend.attempts += 1
        raise ConnectionRefusedError("smtp away")


def test_a_task_queued_before_the_change_still_runs(
    birth_registration,
    agency_tree,
    complete_files,
    sms_folder,
    celery_eager,
    django_capture_on_commit_callbacks,
) -> None:
    """`send_dossier_status` keeps its name: a message already in the broker
    runs and notifies through every channel."""
    from backoffice.dossiers.tasks import send_dossier_status

    dossier = submit(birth_registration, agency_tree, complete_files)
    dossier = dossier_transition(dossier=dossier, to=S.ACCEPTED, actor=None)
    event = dossier.events.order_by("-at", "-id").first()
    assert send_dossier_status.name == "backoffice.dossiers.tasks.send_dossier_status"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_dossier_status.apply(args=[event.pk]).get() == ["email", "sms"]
    assert len(mail.outbox) == 1
    assert len(texts(sms_folder)) == 1
