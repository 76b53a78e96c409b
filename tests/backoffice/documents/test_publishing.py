"""documents publishes through the interface it defines, never through the portal.

With no publisher registered documents still saves, shows nothing to the public
and refuses to publish with a clear reason; a publisher registered through the
interface is the only thing asked whether, where and how a document is public.
"""

from typing import Any

from django.db.models import QuerySet

import pytest

import search
from backoffice.core.models import AuditLogEntry
from backoffice.documents.models import OfficialDocument
from backoffice.documents.publishing import (
    DocumentPublisher,
    publisher_get,
    publisher_override,
    publisher_register,
)
from backoffice.documents.search_indexes import INDEX_NAME
from backoffice.documents.selectors import documents_recent
from backoffice.documents.services import (
    DocumentRejected,
    PdfUpload,
    document_publish,
    document_save,
    document_save_and_publish,
    document_unpublish,
)
from tests.fixtures.documents import document_input, document_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_trust_settings")]


class FakePublisher:
    """A publisher that keeps its 'pages' in a dict: id -> live?"""

    def __init__(self) -> None:
        self.pages: dict[int, bool] = {}
        self.calls: list[tuple[str, int]] = []

    def publish(self, *, document: OfficialDocument, actor: Any) -> str:
        self.calls.append(("publish", document.pk))
        self.pages[document.pk] = True
        return f"page-{document.pk}"

    def unpublish(self, *, document: OfficialDocument, actor: Any) -> None:
        self.calls.append(("unpublish", document.pk))
        self.pages[document.pk] = False

    def is_live(self, document: OfficialDocument) -> bool:
        return self.pages.get(document.pk, False)

    def public_url(self, document: OfficialDocument) -> str:
        return f"/ngoai/van-ban/{document.pk}/" if self.is_live(document) else ""

    def live(self, documents: QuerySet[OfficialDocument]) -> QuerySet[OfficialDocument]:
        return documents.filter(pk__in=[pk for pk, live in self.pages.items() if live])

    def with_pages(
        self, documents: QuerySet[OfficialDocument]
    ) -> QuerySet[OfficialDocument]:
        return documents

    def document_id(self, instance: object) -> int | None:
        return None


def _files() -> list[PdfUpload]:
    return [PdfUpload(name="van-ban.pdf", content=document_pdf(document_input()))]


def test_the_portal_is_the_registered_publisher():
    from portal.publishing import PortalDocumentPublisher

    assert isinstance(publisher_get(), PortalDocumentPublisher)
    assert isinstance(publisher_get(), DocumentPublisher)


def test_without_a_publisher_documents_save_but_nothing_is_public():
    with publisher_override(None):
        outcome = document_save(actor=None, data=document_input(), files=_files())
        assert outcome.change == "created"
        assert OfficialDocument.objects.count() == 1
        assert list(OfficialDocument.objects.public()) == []
        assert documents_recent() == []
        index = search.get_index(INDEX_NAME)
        assert index.should_index(outcome.document) is False


def test_without_a_publisher_publishing_is_refused_and_changes_nothing():
    with publisher_override(None):
        document = document_save(
            actor=None, data=document_input(), files=_files()
        ).document
        entries = AuditLogEntry.objects.count()
        for publishing in (document_publish, document_unpublish):
            with pytest.raises(DocumentRejected, match="Chưa có nơi công bố văn bản"):
                publishing(actor=None, document=document)
        assert AuditLogEntry.objects.count() == entries


def test_save_and_publish_without_a_publisher_leaves_nothing(settings):
    with publisher_override(None), pytest.raises(DocumentRejected):
        document_save_and_publish(actor=None, data=document_input(), files=_files())
    assert not OfficialDocument.objects.exists()
    assert not AuditLogEntry.objects.filter(
        action__startswith="officialdocument."
    ).exists()


def test_a_registered_publisher_is_asked_everything():
    fake = FakePublisher()
    files = _files()
    with publisher_override(fake):
        document = document_save_and_publish(
            actor=None, data=document_input(), files=files
        ).document
        assert fake.calls == [("publish", document.pk)]
        assert list(OfficialDocument.objects.public()) == [document]
        assert documents_recent() == [document]
        index = search.get_index(INDEX_NAME)
        assert index.should_index(document) is True
        assert index.to_document(document)["url"] == f"/ngoai/van-ban/{document.pk}/"
        # Unchanged and live: not published again.
        document_save_and_publish(actor=None, data=document_input(), files=files)
        assert fake.calls == [("publish", document.pk)]
        document_unpublish(actor=None, document=document)
        assert list(OfficialDocument.objects.public()) == []
        # Unchanged but not live any more: published again.
        outcome = document_save_and_publish(
            actor=None, data=document_input(), files=files
        )
        assert outcome.change == "updated"
        assert fake.calls[-1] == ("publish", document.pk)
    # Outside the block the portal publishes again, and it has no page for it.
    assert list(OfficialDocument.objects.public()) == []


def test_registering_something_that_is_not_a_publisher_is_refused():
    before = publisher_get()
    with pytest.raises(TypeError):
        publisher_register(object())  # type: ignore[arg-type]
    assert publisher_get() is before
