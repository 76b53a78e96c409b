from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "backoffice.core"
    label = "core"
    verbose_name = _("Cơ quan, cán bộ và lịch làm việc")
