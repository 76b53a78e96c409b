from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Official documents (văn bản): published library, import, legacy text."""

    name = "backoffice.documents"
    label = "documents"
    verbose_name = _("Văn bản")
