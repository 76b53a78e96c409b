"""Beneath the ORM too: a dossier's status history is append-only, and a dossier
file's original (stored path, size, SHA-256) cannot be changed."""

from django.db import migrations

from backoffice.core import db_triggers


def forwards(apps, schema_editor):
    db_triggers.dossiers_install(schema_editor.connection)


def backwards(apps, schema_editor):
    db_triggers.dossiers_uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_submission_once")]
    operations = [migrations.RunPython(forwards, backwards)]
