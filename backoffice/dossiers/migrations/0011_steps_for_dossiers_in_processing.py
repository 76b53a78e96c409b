"""Dossiers accepted before processing steps existed get the one default step.

New dossiers have their steps laid out when they enter processing
(`services.dossier_transition`); this covers the rows already in status 2 or 4, so
no read ever has to write. The step mirrors `process.process_plan`'s default: the
receiving agency, a specialist, the procedure's processing days, due with the
dossier. No audit entry: a schema migration is not an act of staff.
"""

from django.db import migrations
from django.utils import timezone

IN_PROCESSING = (2, 4)


def lay_out_default_steps(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierStep = apps.get_model("dossiers", "DossierStep")
    now = timezone.now()
    pending = Dossier.objects.filter(status__in=IN_PROCESSING, steps__isnull=True)
    DossierStep.objects.bulk_create(
        DossierStep(
            dossier=dossier,
            position=1,
            name="Thẩm định, giải quyết hồ sơ",
            agency_id=dossier.agency_id,
            role="specialist",
            days=dossier.procedure.processing_days,
            kind="process",
            state="active",
            started_at=now,
            due_at=dossier.due_at,
        )
        for dossier in pending.select_related("procedure").iterator()
    )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0010_processing_steps_proposals_deadlines")]

    operations = [
        migrations.RunPython(lay_out_default_steps, migrations.RunPython.noop)
    ]
