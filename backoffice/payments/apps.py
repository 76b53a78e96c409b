from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "backoffice.payments"
    label = "payments"
    verbose_name = _("Phí, lệ phí và thanh toán")
