from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "backoffice.core"
    label = "core"
    verbose_name = _("Cơ quan, cán bộ và lịch làm việc")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Agency, CalendarDay
        from .workcalendar import calendar_changed

        # Cache invalidation only (STYLE.md: signals for infrastructure).
        for model in (CalendarDay, Agency):
            post_save.connect(calendar_changed, sender=model, weak=False)
            post_delete.connect(calendar_changed, sender=model, weak=False)
