"""Migration test: the link from a dossier file to its scan batch moves from
dossiers.DossierFile to scanning.ScannedFile with every batch and page kept."""

from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from backoffice.core import db_triggers
from backoffice.scanning.models import ScanBatch, ScannedFile

from . import counter_helpers

counter_dossier = counter_helpers.counter_dossier
officer = counter_helpers.officer

BEFORE = [
    ("dossiers", "0006_status_history_and_originals_immutable"),
    ("scanning", "0001_counter_scanning"),
]
AFTER = [
    ("dossiers", "0007_scan_link_moves_to_scanning"),
    ("scanning", "0002_scanned_file_link"),
]


@pytest.fixture
def executor(transactional_db):
    yield MigrationExecutor(connection)
    # Back to the latest schema, and the immutability triggers a SQLite table
    # rebuild drops (`migrate` puts them back after every run; here we do).
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())
    db_triggers.install_all(connection)


def test_scan_links_are_copied_to_scanned_files(executor, counter_dossier) -> None:
    batch = ScanBatch(
        agency=counter_dossier.agency,
        original_name="lo.pdf",
        media_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    batch.original.save("lo.pdf", ContentFile(b"%PDF-1.4"), save=False)
    batch.save()
    component = counter_dossier.procedure.components.first()

    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldFile = old.get_model("dossiers", "DossierFile")
    common = {
        "dossier_id": counter_dossier.pk,
        "component_id": component.pk,
        "media_type": "application/pdf",
        "size": 1,
        "sha256": "1" * 64,
    }
    scanned = OldFile.objects.create(
        **common,
        file="a.pdf",
        original_name="a.pdf",
        source="scan",
        scan_batch_id=batch.pk,
        scan_pages=[2, 3],
    )
    uploaded = OldFile.objects.create(**common, file="b.pdf", original_name="b.pdf")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    link = ScannedFile.objects.get()
    assert (link.file_id, link.batch_id, link.pages) == (scanned.pk, batch.pk, [2, 3])
    assert not ScannedFile.objects.filter(file_id=uploaded.pk).exists()
    assert list(batch.dossier_files.values_list("pk", flat=True)) == [scanned.pk]

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model(
        "dossiers", "DossierFile"
    )
    restored = back.objects.get(pk=scanned.pk)
    assert (restored.scan_batch_id, restored.scan_pages) == (batch.pk, [2, 3])
    assert back.objects.get(pk=uploaded.pk).scan_batch_id is None
