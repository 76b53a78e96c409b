"""Public reads of the procedure catalogue (everything here is public information)."""

from django.db.models import Prefetch, QuerySet

from anyascii import anyascii

from backoffice.core.models import Agency

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
    return (
        Procedure.objects.filter(code=code, is_active=True)
        .select_related("field")
        .prefetch_related(
            "agencies",
            Prefetch(
                "components", queryset=ProcedureComponent.objects.order_by("sort_order")
            ),
        )
        .first()
    )


def procedure_filter_options() -> dict[str, QuerySet]:
    return {
        "fields": Field.objects.filter(procedures__is_active=True).distinct(),
        "agencies": Agency.objects.filter(procedures__is_active=True).distinct(),
    }
