"""Cache keys for procedures read with their agencies and components.

Keys carry a generation number; any change to a procedure, a component, a field, an
agency or the procedure ↔ agency links starts a new generation, so every cached
procedure is dropped at once (signals, because the admin and imports change the
catalogue without going through services). With a shared cache (Redis, as in
production) that is immediate everywhere; a per-process cache (the zero-setup
default) also expires entries after `PROCEDURE_CACHE_SECONDS`.
"""

import time
from typing import Any

from django.core.cache import cache

GENERATION_KEY = "procedures:generation"


def key(code: str) -> str:
    """The cache key of one procedure, or "" for a code that cannot be a key."""
    if not code or len(code) > 64 or not code.isprintable() or " " in code:
        return ""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    return f"procedures:{generation}:{code}"


def invalidate(*args: Any, **kwargs: Any) -> None:
    """Signal receiver: start a new generation."""
    cache.set(GENERATION_KEY, time.time_ns(), None)


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from backoffice.core.models import Agency

    from .models import Field, Procedure, ProcedureComponent

    for model in (Procedure, ProcedureComponent, Field, Agency):
        for signal in (post_save, post_delete):
            signal.connect(
                invalidate,
                sender=model,
                weak=False,
                dispatch_uid=f"procedure_cache.{model.__name__}.{id(signal)}",
            )
    m2m_changed.connect(
        invalidate,
        sender=Procedure.agencies.through,
        weak=False,
        dispatch_uid="procedure_cache.agencies",
    )
