"""The applicant withdraws a dossier before processing starts (status 7)."""

import threading

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import Dossier, DossierStatusEvent
from backoffice.dossiers.services import dossier_transition
from backoffice.dossiers.withdrawal import dossier_withdraw
from tests.fixtures.citizens import citizen
from tests.fixtures.databases import postgresql_only

pytestmark = pytest.mark.django_db


def _snapshot(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.finished_at,
        DossierStatusEvent.objects.filter(dossier=dossier).count(),
        AuditLogEntry.objects.count(),
    )


@pytest.mark.parametrize("start", [DossierStatus.NEW, DossierStatus.ACCEPTED])
def test_owner_withdraws_before_processing_with_reason(
    alice_dossier, start, celery_eager, django_capture_on_commit_callbacks
) -> None:
    alice, dossier = alice_dossier
    if start == DossierStatus.ACCEPTED:
        dossier_transition(dossier=dossier, to=start, actor=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier_withdraw(dossier=dossier, actor=alice, reason="  Nộp nhầm thủ tục. ")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    assert dossier.finished_at is not None
    event = dossier.events.order_by("-at", "-id").first()
    assert event.status == DossierStatus.WITHDRAWN
    assert event.actor == alice
    assert event.note == "Lý do rút hồ sơ: Nộp nhầm thủ tục."
    entry = AuditLogEntry.objects.get(action="dossier.withdrawn")
    assert entry.actor == alice
    assert entry.after["reason"] == "Nộp nhầm thủ tục."
    # The applicant is told, with the reason and without an appointment date.
    [message] = mail.outbox
    assert "Công dân rút hồ sơ" in message.subject
    assert "Nộp nhầm thủ tục." in message.body
    assert "Hẹn trả kết quả" not in message.body


@pytest.mark.parametrize(
    "path",
    [
        [DossierStatus.ACCEPTED, DossierStatus.PROCESSING],
        [DossierStatus.NOT_ACCEPTED],
        [DossierStatus.SUPPLEMENT_REQUESTED],
        [
            DossierStatus.ACCEPTED,
            DossierStatus.PROCESSING,
            DossierStatus.DONE,
            DossierStatus.RESULT_RETURNED,
        ],
    ],
)
def test_after_processing_started_nothing_changes(alice_dossier, path) -> None:
    alice, dossier = alice_dossier
    for status in path:
        dossier_transition(dossier=dossier, to=status, actor=None)
    before = _snapshot(dossier)
    with pytest.raises(ValidationError) as err:
        dossier_withdraw(dossier=dossier, actor=alice, reason="Không cần nữa.")
    assert err.value.code == "processing_started"
    assert "chưa bắt đầu xử lý" in err.value.messages[0]
    assert _snapshot(dossier) == before


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_without_a_reason_nothing_changes(alice_dossier, reason) -> None:
    alice, dossier = alice_dossier
    before = _snapshot(dossier)
    with pytest.raises(ValidationError) as err:
        dossier_withdraw(dossier=dossier, actor=alice, reason=reason)
    assert "reason" in err.value.message_dict
    assert _snapshot(dossier) == before


def test_someone_else_cannot_withdraw(alice_dossier, agency_tree, make_staff) -> None:
    _alice, dossier = alice_dossier
    intruders = (
        citizen("eve@example.vn"),
        make_staff("tn", agency=agency_tree["ward"], role="reception"),
    )
    before = _snapshot(dossier)
    for intruder in intruders:
        with pytest.raises(PermissionDenied):
            dossier_withdraw(dossier=dossier, actor=intruder, reason="Thử rút hộ.")
    assert _snapshot(dossier) == before


def test_a_stale_copy_cannot_withdraw_after_staff_moved_on(alice_dossier) -> None:
    """The status is read from the locked row, not from the caller's copy."""
    alice, dossier = alice_dossier
    stale = Dossier.objects.get(pk=dossier.pk)
    dossier_transition(dossier=dossier, to=DossierStatus.ACCEPTED, actor=None)
    dossier_transition(dossier=dossier, to=DossierStatus.PROCESSING, actor=None)
    assert stale.status == DossierStatus.NEW
    with pytest.raises(ValidationError):
        dossier_withdraw(dossier=stale, actor=alice, reason="Không cần nữa.")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_concurrent_withdrawal_and_staff_action_one_wins(alice_dossier) -> None:
    alice, dossier = alice_dossier
    dossier_transition(dossier=dossier, to=DossierStatus.ACCEPTED, actor=None)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, action) -> None:
        try:
            start.wait(timeout=30)
            action()
            outcomes[name] = "won"
        except ValidationError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=(
                "withdraw",
                lambda: dossier_withdraw(
                    dossier=Dossier.objects.get(pk=dossier.pk),
                    actor=alice,
                    reason="Không cần nữa.",
                ),
            ),
        ),
        threading.Thread(
            target=run,
            args=(
                "process",
                lambda: dossier_transition(
                    dossier=Dossier.objects.get(pk=dossier.pk),
                    to=DossierStatus.PROCESSING,
                    actor=None,
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["refused", "won"]
    dossier.refresh_from_db()
    expected = (
        DossierStatus.WITHDRAWN
        if outcomes["withdraw"] == "won"
        else DossierStatus.PROCESSING
    )
    assert dossier.status == expected
    assert (
        dossier.events.filter(
            status__in=[DossierStatus.WITHDRAWN, DossierStatus.PROCESSING]
        ).count()
        == 1
    )
