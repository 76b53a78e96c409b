from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """E-file catalogue, filing, archive packages and retention (Art. 14–15)."""

    name = "backoffice.records"
    label = "records"
    verbose_name = _("Hồ sơ công việc và lưu trữ")

    def ready(self) -> None:
        from backoffice.core.integrity import model_originals, original_source_register

        from .models import FreeDocument

        original_source_register(
            "records.free_document",
            lambda: model_originals(
                "records.free_document", FreeDocument.objects.all()
            ),
        )
