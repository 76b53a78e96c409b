from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Báo cáo (Art. 16.9, 18.6) and the public statistics snapshot."""

    name = "backoffice.reports"
    label = "reports"
    verbose_name = _("Báo cáo, thống kê")
