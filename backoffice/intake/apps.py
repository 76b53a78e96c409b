from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Counter intake: registration with the checklist, QR sheets, paper location."""

    name = "backoffice.intake"
    label = "intake"
    verbose_name = _("Tiếp nhận tại quầy")
