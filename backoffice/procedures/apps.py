from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "backoffice.procedures"
    label = "procedures"
    verbose_name = _("Thủ tục hành chính")

    def ready(self) -> None:
        from . import procedure_cache

        procedure_cache.connect()
