"""Gap-free register numbers (số đến, số đi, …) per agency, register, year, series.

Same pattern as dossier codes (`backoffice.dossiers.codes`): one upsert on the
counter row inside the caller's transaction returns the next number and keeps the
row locked until commit. Concurrent takers queue on the row; a rolled-back
registration or release gives its number back, so a register never has a gap and
no number is ever given twice. Call it as the last step before commit, so the lock
is held briefly.
"""

from django.db import transaction

from .models import Agency, RegisterCounter


def register_number_next(
    *, agency: Agency, register: str, year: int, series: str = ""
) -> int:
    """Take the next number of `register` for `agency` in `year` (and `series`).

    `register` names the book ("incoming", "outgoing", …); `series` separates
    numbering series inside it (e.g. ordinary documents vs. decisions), "" for one.
    Must run inside `transaction.atomic()`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("register_number_next must run inside transaction.atomic()")
    table = RegisterCounter._meta.db_table
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, register, year, series, last) "  # noqa: S608 — table name from the model
            "VALUES (%s, %s, %s, %s, 1) "
            "ON CONFLICT (agency_id, register, year, series) "
            f"DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, register, year, series],
        )
        (number,) = cursor.fetchone()
    return number


def register_number_last(
    *, agency: Agency, register: str, year: int, series: str = ""
) -> int:
    """The last number given (0 when none): for display and register checks."""
    return (
        RegisterCounter.objects.filter(
            agency=agency, register=register, year=year, series=series
        )
        .values_list("last", flat=True)
        .first()
        or 0
    )
