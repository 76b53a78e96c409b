"""Dossier codes (mã hồ sơ): agency – yyyymmdd – sequence, gap-free per agency/day.

The counter row of (agency, day) is locked with SELECT … FOR UPDATE inside the
caller's transaction (Open Zaak's identification pattern), so concurrent
submissions queue on it and a rolled-back submission gives its number back.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from backoffice.core.models import Agency

from .models import DossierSequence


def dossier_code_format(*, agency: Agency, day: dt.date, seq: int) -> str:
    return settings.DOSSIER_CODE_PATTERN.format(agency=agency.code, date=day, seq=seq)


def dossier_code_next(*, agency: Agency, day: dt.date) -> str:
    """Take the next number of the day for the agency. Call inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside transaction.atomic()")
    DossierSequence.objects.bulk_create(
        [DossierSequence(agency=agency, day=day, last=0)], ignore_conflicts=True
    )
    sequence = DossierSequence.objects.select_for_update().get(agency=agency, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return dossier_code_format(agency=agency, day=day, seq=sequence.last)
