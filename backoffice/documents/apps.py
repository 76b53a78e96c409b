from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Official documents (văn bản): published library, import, legacy text."""

    name = "backoffice.documents"
    label = "documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        from backoffice.core.integrity import model_originals, original_source_register

        from .models import DocumentFile

        original_source_register(
            "document_files",
            lambda: model_originals(
                "document_files", DocumentFile.objects.order_by("pk")
            ),
        )
