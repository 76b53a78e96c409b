from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "backoffice.core"
    label = "core"
    verbose_name = _("Cơ quan, cán bộ và lịch làm việc")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from .models import Agency, CalendarDay
        from .workcalendar import calendar_changed

        # Cache invalidation only (STYLE.md: signals for infrastructure).
        for model in (CalendarDay, Agency):
            post_save.connect(calendar_changed, sender=model, weak=False)
            post_delete.connect(calendar_changed, sender=model, weak=False)
        post_migrate.connect(_triggers_reinstall, sender=self)


def _triggers_reinstall(using: str = "default", **kwargs: object) -> None:
    """After every migrate: a migration that rebuilds a table (SQLite does for many
    schema changes) silently drops its triggers; put every append-only and
    immutability trigger back (idempotent)."""
    from django.db import connections

    from . import db_triggers

    db_triggers.install_all(connections[using])
