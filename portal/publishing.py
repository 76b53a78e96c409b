"""The portal's document publisher: a library page per official document.

Registered with backoffice.documents at start-up (`PortalConfig.ready`), so the
documents capability publishes, unpublishes and links to documents without
knowing the page model or its `publication` relation.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from backoffice.documents.models import OfficialDocument

from .models import OfficialDocumentPage, document_page_publish, document_page_unpublish


class PortalDocumentPublisher:
    """`backoffice.documents.publishing.DocumentPublisher` over Wagtail pages."""

    def publish(
        self, *, document: OfficialDocument, actor: AbstractBaseUser | None
    ) -> OfficialDocumentPage:
        return document_page_publish(document=document, actor=actor)

    def unpublish(
        self, *, document: OfficialDocument, actor: AbstractBaseUser | None
    ) -> None:
        document_page_unpublish(document=document, actor=actor)

    def _page(self, document: OfficialDocument) -> OfficialDocumentPage | None:
        return getattr(document, "publication", None)

    def is_live(self, document: OfficialDocument) -> bool:
        page = self._page(document)
        return page is not None and page.live

    def public_url(self, document: OfficialDocument) -> str:
        page = self._page(document)
        return (page.url or "") if page is not None else ""

    def live(self, documents: QuerySet[OfficialDocument]) -> QuerySet[OfficialDocument]:
        return self.with_pages(documents.filter(publication__live=True))

    def with_pages(
        self, documents: QuerySet[OfficialDocument]
    ) -> QuerySet[OfficialDocument]:
        return documents.select_related("publication")

    def document_id(self, instance: object) -> int | None:
        if isinstance(instance, OfficialDocumentPage):
            return instance.official_document_id
        return None
