from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "backoffice.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")

    def ready(self) -> None:
        from backoffice.core.integrity import model_originals, original_source_register

        from .models import DossierFile

        original_source_register(
            "dossier_files",
            lambda: model_originals(
                "dossier_files", DossierFile.objects.order_by("pk")
            ),
        )
