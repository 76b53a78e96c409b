"""Keeping a staff search index in step with its model: one way for every app.

A saved row is re-indexed, a deleted one removed, on commit (`search.index_later`
/ `search.remove_later` batch the ids per transaction). Signals serve
infrastructure only, never business rules (STYLE.md).
"""

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

import search


def index_follows_model(model: type[models.Model], index: str) -> None:
    """Connect `model`'s saves and deletes to the search index named `index`."""

    def saved(sender: Any, instance: models.Model, **kwargs: Any) -> None:
        search.index_later(index, [instance.pk])

    def deleted(sender: Any, instance: models.Model, **kwargs: Any) -> None:
        search.remove_later(index, [instance.pk])

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"search-{index}")
    post_delete.connect(
        deleted, sender=model, weak=False, dispatch_uid=f"search-{index}-delete"
    )
