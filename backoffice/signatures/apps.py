from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "backoffice.signatures"
    label = "signatures"
    verbose_name = _("Chữ ký số")

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the system checks
        from .models import AgencySigningCertificate
        from .signals import delete_key_file

        post_delete.connect(
            delete_key_file,
            sender=AgencySigningCertificate,
            dispatch_uid="signatures.delete_key_file",
        )
