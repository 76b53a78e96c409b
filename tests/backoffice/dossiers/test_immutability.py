"""Status history and original files are protected beneath the ORM (issue 8.3):
raw SQL cannot rewrite or remove a status event, nor change the stored path, size or
SHA-256 of a dossier file; the check results beside them may still be written."""

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

import pytest

from backoffice.core import db_triggers
from backoffice.dossiers.constants import Channel
from backoffice.dossiers.models import Dossier, DossierFile, DossierStatusEvent
from backoffice.dossiers.services import dossier_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(birth_registration, agency_tree, applicant, complete_files) -> Dossier:
    return dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=applicant,
        files=complete_files,
    )


def _refused(sql: str, params: list | None = None, *, match: str) -> None:
    # Each attempt in its own savepoint: PostgreSQL aborts the transaction on error.
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params or [])


def test_every_trigger_is_in_the_migrated_schema() -> None:
    """A migration that rebuilds one of the tables (SQLite) must put them back."""
    assert db_triggers.missing(connection) == []


def test_database_refuses_to_rewrite_or_remove_status_events(dossier) -> None:
    event = dossier.events.get()
    table = DossierStatusEvent._meta.db_table
    _refused(f"UPDATE {table} SET note = 'sửa'", match="append-only")  # noqa: S608
    _refused(f"UPDATE {table} SET status = 9", match="append-only")  # noqa: S608
    _refused(f"DELETE FROM {table}", match="append-only")  # noqa: S608
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The test's own deferred foreign-key checks would refuse it first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _refused(f"TRUNCATE {table} CASCADE", match="append-only")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    same = DossierStatusEvent.objects.get(pk=event.pk)
    assert (same.status, same.note, same.at) == (event.status, event.note, event.at)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("sha256", "0" * 64),
        ("file", "dossiers/khac/originals/gia-mao.pdf"),
        ("size", 1),
    ],
)
def test_database_refuses_to_change_an_original(dossier, column, value) -> None:
    record = dossier.files.first()
    table = DossierFile._meta.db_table
    _refused(
        f'UPDATE {table} SET "{column}" = %s WHERE id = %s',  # noqa: S608
        [value, record.pk],
        match="immutable",
    )
    same = DossierFile.objects.get(pk=record.pk)
    assert (same.sha256, same.file.name, same.size) == (
        record.sha256,
        record.file.name,
        record.size,
    )


def test_check_results_and_derived_files_may_still_change(dossier) -> None:
    record = dossier.files.first()
    table = DossierFile._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET signature_verdict = %s, ocr_text = %s,"  # noqa: S608
            " ocr_confidence = %s, sha256 = sha256 WHERE id = %s",
            ["valid", "Tờ khai đăng ký khai sinh", 91.5, record.pk],
        )
    record.refresh_from_db()
    assert (record.signature_verdict, record.ocr_text) == (
        "valid",
        "Tờ khai đăng ký khai sinh",
    )
    record.signature_verdict, record.checked_at = "untrusted", timezone.now()
    record.save(update_fields=["signature_verdict", "checked_at"])
    # A counter scan's derived file is deleted and made again when its batch reruns.
    other = dossier.files.exclude(pk=record.pk).first()
    DossierFile.objects.filter(pk=other.pk).delete()
    assert not DossierFile.objects.filter(pk=other.pk).exists()
