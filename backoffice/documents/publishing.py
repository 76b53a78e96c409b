"""Publishing a document on the public site: the interface documents calls.

documents is the system of record and sits below the portal in the layers
(DESIGN.md §2), so it never imports the portal nor reads its relations. The
public page of a document is the portal's business: the portal implements
`DocumentPublisher` and registers it at start-up (`PortalConfig.ready`). Until a
publisher is registered no document is public, and publishing is refused with a
clear reason instead of failing deep inside.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn, Protocol, runtime_checkable

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import OfficialDocument


@runtime_checkable
class DocumentPublisher(Protocol):
    """What documents needs from whoever shows documents to the public.

    `publish` and `unpublish` change the public page and may raise
    `DocumentRejected`; the others only read. `live` and `with_pages` take a
    queryset of documents and return one (filtered, resp. with whatever
    `is_live` and `public_url` read loaded in the same query).
    """

    def publish(
        self, *, document: "OfficialDocument", actor: AbstractBaseUser | None
    ) -> object:
        """Create or update the public page and publish it; returns the page."""

    def unpublish(
        self, *, document: "OfficialDocument", actor: AbstractBaseUser | None
    ) -> None:
        """Take the public page off the site (nothing if there is none)."""

    def is_live(self, document: "OfficialDocument") -> bool:
        """Whether the document's public page is published."""

    def public_url(self, document: "OfficialDocument") -> str:
        """The URL of the document's public page ("" when it has none)."""

    def live(
        self, documents: "QuerySet[OfficialDocument]"
    ) -> "QuerySet[OfficialDocument]":
        """Only the documents whose public page is published."""

    def with_pages(
        self, documents: "QuerySet[OfficialDocument]"
    ) -> "QuerySet[OfficialDocument]":
        """The same documents, with what `is_live`/`public_url` read loaded."""

    def document_id(self, instance: object) -> int | None:
        """The document a public page (sent by a page signal) shows, else None."""


class NoPublisher:
    """Stands in while nobody registered a publisher: nothing is public, and
    publishing is refused with the reason."""

    def _refuse(self) -> NoReturn:
        from .inputs import DocumentRejected

        raise DocumentRejected(
            _(
                "Chưa có nơi công bố văn bản: cổng thông tin chưa đăng ký bộ "
                "công bố văn bản, nên không thể công bố hoặc gỡ văn bản."
            )
        )

    def publish(
        self, *, document: "OfficialDocument", actor: AbstractBaseUser | None
    ) -> object:
        self._refuse()

    def unpublish(
        self, *, document: "OfficialDocument", actor: AbstractBaseUser | None
    ) -> None:
        self._refuse()

    def is_live(self, document: "OfficialDocument") -> bool:
        return False

    def public_url(self, document: "OfficialDocument") -> str:
        return ""

    def live(
        self, documents: "QuerySet[OfficialDocument]"
    ) -> "QuerySet[OfficialDocument]":
        return documents.none()

    def with_pages(
        self, documents: "QuerySet[OfficialDocument]"
    ) -> "QuerySet[OfficialDocument]":
        return documents

    def document_id(self, instance: object) -> int | None:
        return None


_NO_PUBLISHER = NoPublisher()
_registered: DocumentPublisher | None = None


def publisher_register(publisher: DocumentPublisher) -> None:
    """Make `publisher` the one documents uses (called from an AppConfig.ready)."""
    global _registered
    if not isinstance(publisher, DocumentPublisher):
        raise TypeError(
            f"{publisher!r} does not implement DocumentPublisher "
            "(backoffice.documents.publishing)."
        )
    _registered = publisher


def publisher_get() -> DocumentPublisher:
    """The registered publisher, or the stand-in that publishes nothing."""
    return _registered if _registered is not None else _NO_PUBLISHER


@contextmanager
def publisher_override(publisher: DocumentPublisher | None) -> Iterator[None]:
    """Use `publisher` (None: no publisher at all) inside the block; for tests
    and scripts that must not touch the public site."""
    global _registered
    previous = _registered
    if publisher is not None and not isinstance(publisher, DocumentPublisher):
        raise TypeError(f"{publisher!r} does not implement DocumentPublisher.")
    _registered = publisher
    try:
        yield
    finally:
        _registered = previous
