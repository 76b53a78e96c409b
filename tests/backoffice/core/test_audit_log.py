from django.contrib import admin
from django.db import DatabaseError, connection, transaction

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.core.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(agency_tree) -> AuditLogEntry:
    return audit_record(
        actor=None, action="test.done", obj=agency_tree["ict"], after={"x": 1}
    )


def test_records_who_what_and_object(entry: AuditLogEntry) -> None:
    assert entry.actor_repr == "system"
    assert entry.object_type == "core.Agency"
    assert entry.after == {"x": 1}


def test_orm_cannot_update_or_delete(entry: AuditLogEntry) -> None:
    entry.note = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLogEntry.objects.filter(pk=entry.pk).update(note="changed")
    with pytest.raises(PermissionError):
        AuditLogEntry.objects.all().delete()


def test_database_refuses_raw_update_and_delete(entry: AuditLogEntry) -> None:
    for sql in (
        "UPDATE core_auditlogentry SET note = 'x'",
        "DELETE FROM core_auditlogentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    entry.refresh_from_db()
    assert entry.note == ""


def test_admin_is_read_only(entry: AuditLogEntry) -> None:
    model_admin = admin.site._registry[AuditLogEntry]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None, entry)
    assert not model_admin.has_delete_permission(None, entry)
