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

        from backoffice.core.integrity import model_originals, original_source_register

        from .models import ScanBatch

        original_source_register(
            "scan_originals",
            lambda: model_originals(
                "scan_originals", ScanBatch.objects.order_by("pk"), "original"
            ),
        )
