"""The link from a dossier file to the scan batch and pages it was made from
moves from dossiers.DossierFile (scan_batch, scan_pages) to scanning.ScannedFile,
so that dossiers no longer refers to scanning. Existing links are copied here;
dossiers 0007 then drops the old columns."""

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor) -> None:
    DossierFile = apps.get_model("dossiers", "DossierFile")
    ScannedFile = apps.get_model("scanning", "ScannedFile")
    rows = DossierFile.objects.filter(scan_batch__isnull=False).values_list(
        "pk", "scan_batch_id", "scan_pages"
    )
    ScannedFile.objects.bulk_create(
        (
            ScannedFile(file_id=pk, batch_id=batch_id, pages=pages or [])
            for pk, batch_id, pages in rows.iterator()
        ),
        batch_size=500,
    )


def copy_links_back(apps, schema_editor) -> None:
    DossierFile = apps.get_model("dossiers", "DossierFile")
    ScannedFile = apps.get_model("scanning", "ScannedFile")
    for link in ScannedFile.objects.all().iterator():
        DossierFile.objects.filter(pk=link.file_id).update(
            scan_batch_id=link.batch_id, scan_pages=link.pages
        )


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_status_history_and_originals_immutable"),
        ("scanning", "0001_counter_scanning"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScannedFile",
            fields=[
                (
                    "file",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="scan_origin",
                        serialize=False,
                        to="dossiers.dossierfile",
                    ),
                ),
                ("pages", models.JSONField(blank=True, default=list)),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scanned_files",
                        to="scanning.scanbatch",
                    ),
                ),
            ],
            options={
                "verbose_name": "tệp số hóa từ lô quét",
                "verbose_name_plural": "tệp số hóa từ lô quét",
            },
        ),
        migrations.RunPython(copy_links, copy_links_back),
    ]
