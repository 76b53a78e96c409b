"""Dossier codes (mã hồ sơ): agency – yyyymmdd – sequence, gap-free per agency/day.

The counter row of (agency, day) is created or incremented by one upsert inside the
caller's transaction (Open Zaak's identification pattern, in one statement): the
row stays locked until commit, so concurrent submissions queue on it and a
rolled-back submission gives its number back.
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
    table = DossierSequence._meta.db_table
    # ON CONFLICT … RETURNING: PostgreSQL, and SQLite from 3.35.
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 — table name from the model
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency.pk, day],
        )
        (seq,) = cursor.fetchone()
    return dossier_code_format(agency=agency, day=day, seq=seq)
