"""What an e-file holds, file by file: the originals of every filed item.

One reader for the file's page, closing (page counts) and the archive package.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.storage import Storage

from .constants import ItemKind
from .models import EFile, EFileItem


@dataclass(frozen=True)
class OriginalRef:
    """One stored original of a filed item."""

    name: str  # the name it had when it arrived
    storage_name: str
    storage: Storage
    sha256: str
    size: int
    media_type: str
    pages: int | None
    role: str  # main, attachment, submitted, result, …


@dataclass
class FiledDocument:
    """A filed item with its originals, in filing order."""

    item: EFileItem
    originals: list[OriginalRef] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(o.pages or 0 for o in self.originals)


def _ref(f, *, role: str, media_type: str | None = None) -> OriginalRef:
    """An original as a stored file record (incoming, outgoing, dossier or free)."""
    return OriginalRef(
        name=f.original_name,
        storage_name=f.file.name,
        storage=f.file.storage,
        sha256=f.sha256,
        size=f.size,
        media_type=media_type or f.media_type,
        pages=f.pages,
        role=role,
    )


def _incoming(item: EFileItem) -> list[OriginalRef]:
    return [
        _ref(f, role="main" if f.is_main else "attachment")
        for f in item.incoming.files.all()
        if f.file
    ]


def _outgoing(item: EFileItem) -> list[OriginalRef]:
    from backoffice.outgoing.constants import FileKind

    document = item.outgoing
    files = list(document.files.all())
    # The signed files of the release; a document issued on paper only keeps its
    # last version.
    chosen = [f for f in files if f.kind == FileKind.SIGNED] or [
        f for f in files if f.version == document.file_version
    ]
    return [_ref(f, role=str(f.role), media_type="application/pdf") for f in chosen]


def _dossier(item: EFileItem) -> list[OriginalRef]:
    return [_ref(f, role=str(f.kind)) for f in item.dossier.files.all()]


def _free(item: EFileItem) -> list[OriginalRef]:
    f = item.free
    return [_ref(f, role="main")]


READERS = {
    ItemKind.INCOMING: _incoming,
    ItemKind.OUTGOING: _outgoing,
    ItemKind.DOSSIER: _dossier,
    ItemKind.FREE: _free,
}


def efile_contents(*, efile: EFile) -> Iterator[FiledDocument]:
    """Every filed item of the file with its originals (a few queries per item)."""
    items = (
        efile.items.select_related(
            "incoming", "outgoing", "dossier__procedure", "free", "filed_by"
        )
        .prefetch_related("incoming__files", "outgoing__files", "dossier__files")
        .order_by("filed_at", "id")
    )
    for item in items.iterator(chunk_size=200):
        yield FiledDocument(item=item, originals=READERS[item.kind](item))
