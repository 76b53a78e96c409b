"""Chain the audit log by hash, and give the entries already written their hashes.

On SQLite adding a column rebuilds the table, which drops its append-only triggers;
the fill needs them off anyway, so they are dropped first and put back at the end
(and put back again when the columns are removed).
"""

from django.db import migrations, models

from backoffice.core import db_triggers


def triggers_install(apps, schema_editor):
    db_triggers.install(schema_editor.connection)


def triggers_uninstall(apps, schema_editor):
    db_triggers.uninstall(schema_editor.connection)


def hashes_fill(apps, schema_editor):
    """Chain the existing entries in id order, exactly as `audit_record` would have."""
    from backoffice.core.models import AuditLogEntry as Current

    entry_model = apps.get_model("core", "AuditLogEntry")
    manager = entry_model._base_manager.using(schema_editor.connection.alias)
    prev_hash, last_pk = Current.GENESIS_HASH, 0
    while batch := list(manager.filter(pk__gt=last_pk).order_by("pk")[:2000]):
        for entry in batch:
            entry_hash = Current.chain_hash(entry, prev_hash=prev_hash)
            manager.filter(pk=entry.pk).update(
                prev_hash=prev_hash, entry_hash=entry_hash
            )
            prev_hash = entry_hash
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("core", "0004_job_leases")]

    operations = [
        migrations.RunPython(triggers_uninstall, triggers_install),
        migrations.AddField(
            model_name="auditlogentry",
            name="prev_hash",
            field=models.CharField(
                default="",
                editable=False,
                max_length=64,
                verbose_name="mã băm bản ghi trước",
            ),
        ),
        migrations.AddField(
            model_name="auditlogentry",
            name="entry_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="mã băm"
            ),
        ),
        migrations.RunPython(hashes_fill, migrations.RunPython.noop),
        migrations.RunPython(triggers_install, triggers_uninstall),
    ]
