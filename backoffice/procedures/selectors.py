"""Public reads of the procedure catalogue (everything here is public information)."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from anyascii import anyascii

from backoffice.core.models import Agency

from . import procedure_cache
from .models import Field, Procedure, ProcedureComponent


def fold(text: str) -> str:
    """Lower-case ASCII folding (đ → d included) for diacritic-insensitive matching."""
    return anyascii(text).lower()


def procedure_list(
    *, field: str = "", agency: str = "", query: str = ""
) -> QuerySet[Procedure]:
    """Active procedures, optionally filtered by field code, agency code and text.

    Text matches the code, or the name with or without diacritics.
    """
    qs = (
        Procedure.objects.filter(is_active=True)
        .select_related("field")
        .prefetch_related("agencies")
        .order_by("field__name", "name")
    )
    if field:
        qs = qs.filter(field__code=field)
    if agency:
        qs = qs.filter(agencies__code=agency)
    if query:
        folded = fold(query)
        ids = [
            pk
            for pk, code, name in qs.values_list("pk", "code", "name")
            if folded in fold(name) or query in code
        ]
        qs = qs.filter(pk__in=ids)
    return qs.distinct()


def procedure_get(*, code: str) -> Procedure | None:
    """An active procedure with its field, agencies and ordered components.

    Served from the cache (`procedure_cache`): the catalogue is read on every step
    of every submission and changes a few times a year.
    """
    if "\x00" in code or len(code) > 64:  # no code has them (PostgreSQL refuses NUL)
        return None
    key = procedure_cache.key(code)
    procedure = cache.get(key) if key else None
    if procedure is None:
        procedure = (
            Procedure.objects.filter(code=code, is_active=True)
            .select_related("field")
            .prefetch_related(
                "agencies",
                Prefetch(
                    "components",
                    queryset=ProcedureComponent.objects.order_by("sort_order"),
                ),
            )
            .first()
        )
        if procedure is not None and key:  # unknown codes are not cached
            cache.set(key, procedure, settings.PROCEDURE_CACHE_SECONDS)
    return procedure


def procedure_filter_options() -> dict[str, QuerySet]:
    return {
        "fields": Field.objects.filter(procedures__is_active=True).distinct(),
        "agencies": Agency.objects.filter(procedures__is_active=True).distinct(),
    }
