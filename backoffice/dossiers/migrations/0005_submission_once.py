"""Submitting a draft happens once: drafts carry a key, dossiers the key they came from.

Existing drafts get a key each (a unique column cannot be added with one default).
"""

import uuid

from django.db import migrations, models


def give_keys(apps, schema_editor):
    SubmissionDraft = apps.get_model("dossiers", "SubmissionDraft")
    for draft in SubmissionDraft.objects.filter(key__isnull=True).only("pk"):
        SubmissionDraft.objects.filter(pk=draft.pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_counter_scanning")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="source_draft_key",
            field=models.UUIDField(
                blank=True,
                editable=False,
                null=True,
                unique=True,
                verbose_name="khóa hồ sơ nháp",
            ),
        ),
        migrations.AddField(
            model_name="submissiondraft",
            name="key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="submissiondraft",
            name="key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
