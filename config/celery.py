"""The Celery application; tasks are discovered in each app's tasks.py."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

# DurableTask: `delay_on_commit` goes through the transactional outbox.
app = Celery("motcua", task_cls="backoffice.core.task_base:DurableTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _beat_schedule(sender: Celery, **kwargs: object) -> None:
    # Read here, once Django's settings are loaded: the scanner hot folder is polled
    # only when SCAN_HOT_FOLDER is set.
    from django.conf import settings

    sender.add_periodic_task(
        settings.OUTBOX_DRAIN_INTERVAL,
        sender.signature("backoffice.core.tasks.drain_outbox"),
        name="drain-outbox",
    )
    sender.add_periodic_task(
        settings.LEASE_REAP_INTERVAL,
        sender.signature("backoffice.core.tasks.reap_leases"),
        name="reap-leases",
    )
    # Stored originals re-hashed once a month, at night (Art. 14-15: kept intact).
    sender.add_periodic_task(
        crontab(minute=30, hour=2, day_of_month=settings.INTEGRITY_CHECK_DAY),
        sender.signature("backoffice.core.tasks.check_originals_integrity"),
        name="originals-integrity",
    )
    # Public statistics snapshot (portal /thong-ke/), rebuilt once a day at night.
    sender.add_periodic_task(
        crontab(minute=15, hour=settings.PUBLIC_STATISTICS_HOUR),
        sender.signature("backoffice.reports.tasks.refresh_public_statistics"),
        name="public-statistics",
    )
    # Incoming documents: mailboxes due (none until an administrator adds one) and
    # overdue assignments.
    sender.add_periodic_task(
        settings.INCOMING_MAILBOX_TICK,
        sender.signature("backoffice.incoming.tasks.poll_incoming_mailboxes"),
        name="incoming-mailboxes",
    )
    sender.add_periodic_task(
        settings.INCOMING_OVERDUE_INTERVAL,
        sender.signature("backoffice.incoming.tasks.flag_overdue_incoming"),
        name="incoming-overdue",
    )
    # Overdue dossiers: flagged and their assignee and leaders told, once a day each.
    sender.add_periodic_task(
        settings.DOSSIER_OVERDUE_INTERVAL,
        sender.signature("backoffice.dossiers.tasks.flag_overdue_dossiers"),
        name="dossier-overdue",
    )
    # edXML packets whose next try is due (receiver was down, backoff elapsed).
    sender.add_periodic_task(
        settings.EXCHANGE_SWEEP_SECONDS,
        sender.signature("backoffice.exchange.tasks.send_due_exchange_packets"),
        name="exchange-send-due",
    )
    if settings.SCAN_HOT_FOLDER:
        sender.add_periodic_task(
            settings.SCAN_HOT_FOLDER_INTERVAL,
            sender.signature("backoffice.scanning.tasks.consume_scan_hot_folder"),
            name="scan-hot-folder",
        )
