"""The audit log is a hash chain (issue 8.3): whoever drops the append-only triggers
and edits, deletes or inserts rows is caught by `manage.py audit_verify`."""

import io
import json
import threading
from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction

import pytest

from backoffice.core import db_triggers
from backoffice.core.models import Agency, AuditLogEntry
from backoffice.core.services import audit_record

pytestmark = pytest.mark.django_db

TABLE = AuditLogEntry._meta.db_table


@pytest.fixture
def entries(agency_tree, make_staff) -> list[AuditLogEntry]:
    """Five entries with what real ones carry: people, Vietnamese text, JSON."""
    officer = make_staff("can-bo", agency=agency_tree["ward"])
    ward = agency_tree["ward"]
    for number, actor in enumerate((None, officer, None, officer)):
        audit_record(
            actor=actor,
            action="test.changed",
            obj=ward,
            before={"tên": "Phường 1", "số": number, "tỷ lệ": 2.0},
            after={"tên": "Phường Một", "danh sách": [1, 0.5, None, True]},
            agency=ward,
            note=f"Lần {number}: sửa tên theo Nghị quyết",
        )
    return list(AuditLogEntry.objects.order_by("pk"))


def verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def verify_json() -> tuple[int, dict]:
    code, out = verify("--json")
    return code, json.loads(out)


def tamper(sql: str, params: list | None = None) -> None:
    """What a database owner can do: drop the triggers, then write (the test's
    transaction puts the triggers back when it rolls back)."""
    db_triggers.uninstall(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_entries_are_chained_in_order(entries) -> None:
    assert entries[0].prev_hash == AuditLogEntry.GENESIS_HASH
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.entry_hash
    for entry in entries:
        # Read back from the database, the content still gives the stored hash.
        assert entry.entry_hash == AuditLogEntry.chain_hash(
            entry, prev_hash=entry.prev_hash
        )
    assert len({e.entry_hash for e in entries}) == len(entries)


def test_a_clean_chain_is_valid(entries) -> None:
    code, report = verify_json()
    assert code == 0
    assert report["valid"] is True
    assert report["entries"] == len(entries) == AuditLogEntry.objects.count()
    assert report["first_bad"] is None
    assert report["head"] == entries[-1].entry_hash
    code, text = verify()
    assert code == 0
    assert "nguyên vẹn" in text and str(len(entries)) in text


def test_an_empty_log_is_valid(db) -> None:
    assert verify_json() == (
        0,
        {"valid": True, "entries": 0, "first_bad": None, "reason": None, "head": None},
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("note", "Không có gì xảy ra"),
        ("actor_repr", "system"),
        ("action", "test.viewed"),
        ("after", '{"tên": "Phường Hai"}'),
        ("at", "2020-01-01 00:00:00"),
    ],
)
def test_an_edited_row_is_found(entries, column, value) -> None:
    edited = entries[2]
    if column == "after" and connection.vendor == "postgresql":
        tamper(
            f'UPDATE {TABLE} SET "{column}" = %s::jsonb WHERE id = %s',  # noqa: S608
            [value, edited.pk],
        )
    else:
        tamper(
            f'UPDATE {TABLE} SET "{column}" = %s WHERE id = %s',  # noqa: S608
            [value, edited.pk],
        )
    code, report = verify_json()
    assert code == 1
    assert report["valid"] is False
    assert report["first_bad"] == edited.pk
    assert report["reason"] == "content"
    assert report["entries"] == len(entries)
    code, text = verify()
    assert code == 1 and f"#{edited.pk}" in text


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(entries) -> None:
    edited = entries[1]
    edited.note = "Bản ghi đã được viết lại"
    forged = AuditLogEntry.chain_hash(edited, prev_hash=edited.prev_hash)
    tamper(
        f"UPDATE {TABLE} SET note = %s, entry_hash = %s WHERE id = %s",  # noqa: S608
        [edited.note, forged, edited.pk],
    )
    code, report = verify_json()
    assert (code, report["first_bad"], report["reason"]) == (1, entries[2].pk, "link")


def test_a_deleted_row_is_found(entries) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])  # noqa: S608
    code, report = verify_json()
    assert code == 1
    assert report["valid"] is False
    assert report["entries"] == len(entries) - 1
    assert (report["first_bad"], report["reason"]) == (entries[3].pk, "link")
    code, text = verify()
    assert code == 1 and f"#{entries[3].pk}" in text


def test_the_first_row_deleted_is_found(entries) -> None:
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [entries[0].pk])  # noqa: S608
    code, report = verify_json()
    assert (code, report["first_bad"]) == (1, entries[1].pk)


@pytest.mark.parametrize("forgery", ["no_hashes", "linked_copy"])
def test_an_inserted_row_is_found(entries, forgery) -> None:
    model = entries[-2]
    if forgery == "no_hashes":
        prev_hash, entry_hash = "", ""
    else:  # follows the real head and borrows a genuine entry's hash
        prev_hash, entry_hash = entries[-1].entry_hash, model.entry_hash
    tamper(
        f"INSERT INTO {TABLE} (at, actor_id, actor_repr, action, object_type,"  # noqa: S608
        " object_id, object_repr, agency_code, before, after, note, prev_hash,"
        " entry_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, NULL, NULL, %s,"
        " %s, %s)",
        [
            model.at,
            model.actor_id,
            model.actor_repr,
            "agency.deleted",
            model.object_type,
            model.object_id,
            model.object_repr,
            model.agency_code,
            "Xóa cơ quan",
            prev_hash,
            entry_hash,
        ],
    )
    inserted = AuditLogEntry.objects.order_by("-pk").first()
    assert inserted.pk > entries[-1].pk
    code, report = verify_json()
    assert code == 1
    assert report["valid"] is False
    assert report["entries"] == len(entries) + 1
    assert report["first_bad"] == inserted.pk


def test_the_data_migration_chains_entries_written_before_it(entries) -> None:
    """Entries from before the chain existed get exactly the hashes audit_record
    would have given them."""
    migration = import_module("backoffice.core.migrations.0005_audit_log_hash_chain")
    tamper(f"UPDATE {TABLE} SET prev_hash = '', entry_hash = ''")  # noqa: S608
    assert verify_json()[1]["first_bad"] == entries[0].pk
    migration.hashes_fill(apps, SimpleNamespace(connection=connection))
    migration.triggers_install(apps, SimpleNamespace(connection=connection))
    refilled = list(AuditLogEntry.objects.order_by("pk"))
    assert [e.entry_hash for e in refilled] == [e.entry_hash for e in entries]
    assert [e.prev_hash for e in refilled] == [e.prev_hash for e in entries]
    assert verify_json() == (
        0,
        {
            "valid": True,
            "entries": len(entries),
            "first_bad": None,
            "reason": None,
            "head": entries[-1].entry_hash,
        },
    )
    assert db_triggers.missing(connection) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain() -> None:
    """Writers in parallel each read the head and append; under the chain lock no
    two of them chain onto the same entry."""
    agency = Agency.objects.create(code="000.00.99.H53", name="Sở thử nghiệm")
    writers, per_writer = 4, 8
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            start.wait()
            for step in range(per_writer):
                for _attempt in range(500):
                    try:
                        with transaction.atomic():
                            audit_record(
                                actor=None,
                                action="test.parallel",
                                obj=agency,
                                after={"writer": number, "step": step},
                            )
                        break
                    except OperationalError as exc:
                        # SQLite's shared-cache test database answers "locked"
                        # at once instead of waiting: the write lock at work.
                        if "locked" not in str(exc):
                            raise
                        threading.Event().wait(0.005)
                else:
                    raise AssertionError("the database stayed locked")
        except BaseException as exc:  # noqa: BLE001 — reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    prevs = list(AuditLogEntry.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == writers * per_writer
    assert len(set(prevs)) == len(prevs)  # a fork would share a previous hash
    code, report = verify_json()
    assert (code, report["valid"], report["entries"]) == (0, True, len(prevs))
