"""Infrastructure signals of the signatures capability."""

from typing import Any

from django.db import transaction

from .models import AgencySigningCertificate


def delete_key_file(
    sender: type[AgencySigningCertificate],
    instance: AgencySigningCertificate,
    **kwargs: Any,
) -> None:
    """A deleted signing certificate's key file leaves the disk once the deletion
    is committed (from the admin's single and bulk delete alike)."""
    if instance.pkcs12_file:
        storage, name = instance.pkcs12_file.storage, instance.pkcs12_file.name
        transaction.on_commit(lambda: storage.delete(name))
