"""DossierFile no longer refers to scanning: scanning 0002 copied the batch and
pages of each scanned file into scanning.ScannedFile."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_status_history_and_originals_immutable"),
        ("scanning", "0002_scanned_file_link"),
    ]

    operations = [
        migrations.RemoveField(model_name="dossierfile", name="scan_batch"),
        migrations.RemoveField(model_name="dossierfile", name="scan_pages"),
    ]
