from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScanningConfig(AppConfig):
    """Counter scans: QR sheets, the scan pipeline, the review queue."""

    name = "backoffice.scanning"
    label = "scanning"
    verbose_name = _("Số hóa hồ sơ")

    def ready(self) -> None:
        from backoffice.core.leases import register_give_up

        from .constants import SCAN_JOB
        from .services import scan_batch_give_up

        register_give_up(SCAN_JOB, scan_batch_give_up)

        from django.db.models.signals import post_save

        from backoffice.dossiers.models import DossierFile
        from backoffice.dossiers.uploads import image_check_register

        from .signals import dossier_file_saved, photo_upload_check

        # A phone photo must show a page to be accepted; once stored, its flat
        # searchable copy is derived like a thumbnail (infrastructure, rebuilt
        # from the original), hence a signal.
        image_check_register(photo_upload_check)
        post_save.connect(
            dossier_file_saved, sender=DossierFile, dispatch_uid="scanning-photo"
        )

        from backoffice.core.integrity import model_originals, original_source_register

        from .models import ScanBatch

        original_source_register(
            "scan_originals",
            lambda: model_originals(
                "scan_originals", ScanBatch.objects.order_by("pk"), "original"
            ),
        )
