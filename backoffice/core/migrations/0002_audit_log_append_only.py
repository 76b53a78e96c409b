"""Make the audit log append-only in the database itself, beneath the ORM."""

from django.db import migrations

from backoffice.core import db_triggers


def forwards(apps, schema_editor):
    db_triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    db_triggers.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
