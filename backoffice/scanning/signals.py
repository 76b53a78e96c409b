"""Derived files of stored dossier files (infrastructure, like a thumbnail)."""

from typing import Any

from backoffice.dossiers.models import DossierFile


def dossier_file_saved(
    sender: type, instance: DossierFile, created: bool, **kwargs: Any
) -> None:
    """A photo just stored with a dossier: queue its flat, searchable copy."""
    from .photos import PHOTO_MEDIA_TYPES, photo_flatten_queue

    if created and not kwargs.get("raw") and instance.media_type in PHOTO_MEDIA_TYPES:
        photo_flatten_queue(file_id=instance.pk)


def photo_upload_check(*, name: str, content: bytes) -> None:
    """The upload check of phone photos (photos.photo_upload_check), loaded on
    first use so that starting the site does not load OpenCV."""
    from .photos import photo_upload_check as check

    check(name=name, content=content)
