"""Fault drills (issue 19): kill the worker mid-job, restart the broker mid-traffic.

Run alone with `./scripts/test -m drill -s` (on PostgreSQL: DATABASE_URL set).
"""

import time

import pytest

from backoffice.core.models import JobLease, OutboxMessage
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.scanning.constants import BatchStatus
from backoffice.scanning.models import ScanBatch
from backoffice.scanning.services import scan_batch_create
from tests.backoffice.scanning import counter_helpers
from tests.backoffice.scanning.counter_helpers import scan_of

from .conftest import report, wait_for

pytestmark = [pytest.mark.drill, pytest.mark.slow]

counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer

LAYOUT = [
    "cover",
    ("sep", 1), "text", "text", "text", "text",
    ("sep", 2), "text", "text", "text", "text",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _outbox_left_to_the_workers(monkeypatch):
    """This process writes outbox rows but never publishes them itself: the drill
    workers' beat drains them onto the drill's own broker."""
    monkeypatch.setattr("backoffice.core.outbox.outbox_publish", lambda **kw: 0)


def test_scan_batch_survives_a_killed_worker(
    workers, counter_dossier, officer, tmp_path
) -> None:
    path = scan_of(counter_dossier, LAYOUT, tmp_path / "bundle.pdf", dpi=200)
    batch = scan_batch_create(
        actor=officer,
        agency=counter_dossier.agency,
        dossier=counter_dossier,
        name="bundle.pdf",
        content=path.read_bytes(),
    )
    first = workers.start()
    wait_for(
        lambda: (
            ScanBatch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING)
            .exclude(started_at=None)
            .exists()
        ),
        120,
        "the batch to start",
    )
    time.sleep(1.5)  # well inside the run: OCR of 11 pages takes several seconds
    done = ScanBatch.objects.get(pk=batch.pk).pages_done
    assert not ScanBatch.objects.filter(pk=batch.pk, status=BatchStatus.DONE).exists()
    killed_at = time.monotonic()
    workers.kill(first)
    report(f"batch {batch.pk} was running, {done} of {len(LAYOUT)} pages done")
    workers.start()
    wait_for(
        lambda: ScanBatch.objects.filter(pk=batch.pk, status=BatchStatus.DONE).exists(),
        180,
        "the batch to complete after the kill",
    )
    recovered = time.monotonic() - killed_at
    # The lease is released when the task returns, just after the batch's own
    # commit: give the worker that moment.
    wait_for(
        lambda: JobLease.objects.filter(
            kind="scan_batch", object_id=batch.pk, state=JobLease.State.DONE
        ).exists(),
        30,
        "the batch's lease to be released as done",
    )
    files = DossierFile.objects.filter(dossier=counter_dossier, component__isnull=False)
    per_component = sorted(files.values_list("component__sort_order", flat=True))
    lease = JobLease.objects.get(kind="scan_batch", object_id=batch.pk)
    report(
        f"batch completed {recovered:.1f} s after the kill; component files "
        f"{per_component}; lease runs={lease.runs} requeues={lease.requeues}"
    )
    components = list(counter_dossier.procedure.components.all())
    assert per_component == sorted(c.sort_order for c in components[:2])  # once each
    assert lease.state == JobLease.State.DONE and lease.requeues >= 1


def test_receipt_signing_survives_a_killed_worker(
    workers, counter_dossier, agency_pki
) -> None:
    worker = workers.start()
    # Kill the moment the signing job holds its lease (the worker is cold: loading
    # pyHanko and the key takes longer than the poll).
    wait_for(
        lambda: (
            JobLease.objects.filter(
                kind="dossier_receipt", object_id=counter_dossier.pk
            )
            .exclude(state=JobLease.State.QUEUED)
            .exists()
        ),
        60,
        "the receipt job to start",
    )
    state = JobLease.objects.get(kind="dossier_receipt", object_id=counter_dossier.pk)
    workers.kill(worker)
    report(f"receipt job was {state.state} when the worker died")
    workers.start()
    wait_for(
        lambda: (
            JobLease.objects.filter(
                kind="dossier_receipt",
                object_id=counter_dossier.pk,
                state=JobLease.State.DONE,
            ).exists()
            and counter_dossier.files.filter(kind=DossierFile.Kind.RECEIPT).exists()
        ),
        120,
        "the receipt after the kill",
    )
    receipts = counter_dossier.files.filter(kind=DossierFile.Kind.RECEIPT).count()
    report(f"receipts for {counter_dossier.code}: {receipts}")
    assert receipts == 1


def test_submissions_during_a_redis_restart_are_recorded_once_and_done_later(
    workers, redis_server, birth_registration, applicant, complete_files,
    agency_tree, agency_pki, publish_to, monkeypatch,
) -> None:  # fmt: skip
    from backoffice.dossiers.services import dossier_submit

    monkeypatch.undo()  # this drill publishes for real, to the drill's Redis
    publish_to(redis_server.url)

    def submit(n: int) -> Dossier:
        return dossier_submit(
            procedure=birth_registration,
            agency=agency_tree["ward"],
            channel="online",
            applicant=applicant,
            files=complete_files,
        )

    made = [submit(i) for i in range(3)]
    redis_server.stop()
    report("redis-server killed; submitting while it is down")
    made += [submit(i) for i in range(3, 8)]
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    report(f"{unsent} follow-up messages waiting in the outbox")
    assert unsent >= 5
    redis_server.start()
    report("redis-server restarted; a worker with beat drains the outbox")
    workers.start()
    codes = [d.code for d in made]
    wait_for(
        lambda: (
            DossierFile.objects.filter(
                dossier__code__in=codes, kind=DossierFile.Kind.RECEIPT
            ).count()
            == len(codes)
        ),
        180,
        "every receipt after the broker came back",
    )
    assert Dossier.objects.filter(code__in=codes).count() == len(made) == 8
    receipts = DossierFile.objects.filter(
        dossier__code__in=codes, kind=DossierFile.Kind.RECEIPT
    )
    assert receipts.count() == 8  # one each: none lost, none doubled
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    report("8 submissions recorded once, 8 receipts signed, outbox empty")
