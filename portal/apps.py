from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    label = "portal"
    verbose_name = _("Cổng thông tin")

    def ready(self) -> None:
        # The documents capability publishes through an interface it defines; the
        # portal, above it in the layers, plugs its library pages in here.
        from backoffice.documents.publishing import publisher_register

        from .publishing import PortalDocumentPublisher

        publisher_register(PortalDocumentPublisher())

        from django.db.models.signals import post_delete

        from backoffice.documents.search_indexes import document_page_deleted

        from .models import OfficialDocumentPage

        post_delete.connect(
            document_page_deleted,
            sender=OfficialDocumentPage,
            dispatch_uid="documents-index-page-deleted",
        )
