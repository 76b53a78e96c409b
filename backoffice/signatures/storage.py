"""Private storage for signing keys: outside MEDIA_ROOT, never served by URL."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="backoffice.signatures.storage.SigningKeyStorage")
class SigningKeyStorage(FileSystemStorage):
    """Files under SIGNING_KEYS_ROOT, readable by the service account only.

    The folder is read from settings at each use (tests and deployments move it);
    there is no URL: a key file is opened by the signing code, never downloaded.
    """

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.SIGNING_KEYS_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Signing keys are private and have no URL.")
