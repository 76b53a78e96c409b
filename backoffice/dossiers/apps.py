from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "backoffice.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")
