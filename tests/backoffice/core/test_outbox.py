"""The transactional outbox: follow-up work is on disk with the write it follows."""

import pytest

from backoffice.core.models import OutboxMessage
from backoffice.core.outbox import outbox_enqueue, outbox_prune, outbox_send
from backoffice.core.tasks import drain_outbox, send_email

pytestmark = pytest.mark.django_db


def test_delay_on_commit_writes_a_row_in_the_transaction_and_sends_after_commit(
    broker, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_email.delay_on_commit(to=["a@example.vn"], subject="S", body="B")
    message = OutboxMessage.objects.get()
    assert message.task == "backoffice.core.tasks.send_email"
    assert message.kwargs == {"to": ["a@example.vn"], "subject": "S", "body": "B"}
    assert broker["published"] == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert broker["published"] == [
        ("backoffice.core.tasks.send_email", [], message.kwargs)
    ]
    message.refresh_from_db()
    assert message.sent_at is not None


def test_a_rolled_back_transaction_leaves_no_message(broker) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send_email.delay_on_commit(to=["a@example.vn"], subject="S", body="B")
        raise RuntimeError("the write failed")
    assert not OutboxMessage.objects.exists()


def test_broker_down_keeps_the_message_and_the_drainer_sends_it_later(
    broker, django_capture_on_commit_callbacks, settings
) -> None:
    settings.OUTBOX_GRACE_SECONDS = 0
    broker["down"] = True
    with django_capture_on_commit_callbacks(execute=True):
        outbox_enqueue(task="backoffice.core.tasks.send_email", kwargs={"to": ["x"]})
        outbox_enqueue(task="backoffice.core.tasks.send_email", kwargs={"to": ["y"]})
    messages = list(OutboxMessage.objects.all())
    assert all(m.sent_at is None for m in messages)
    assert messages[0].attempts == 1
    assert "Connection refused" in messages[0].last_error
    assert outbox_send() == 0  # still down: nothing lost, nothing sent

    broker["down"] = False
    assert drain_outbox.run() == 2
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert [p[2]["to"] for p in broker["published"]] == [["x"], ["y"]]


def test_the_drainer_leaves_fresh_messages_to_the_commit_hook(broker, settings) -> None:
    settings.OUTBOX_GRACE_SECONDS = 60
    OutboxMessage.objects.create(task="backoffice.core.tasks.send_email")
    assert drain_outbox.run() == 0
    assert broker["published"] == []


def test_sent_messages_are_pruned_after_the_keep_period(broker) -> None:
    from django.utils import timezone

    old = timezone.now() - timezone.timedelta(days=10)
    OutboxMessage.objects.create(task="t", sent_at=old)
    kept = OutboxMessage.objects.create(task="t", sent_at=timezone.now())
    unsent = OutboxMessage.objects.create(task="t", created_at=old)
    assert outbox_prune(days=7) == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        kept.pk,
        unsent.pk,
    }
