from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Inter-agency exchange: edXML packets (QCVN 102:2016), peers, status."""

    name = "backoffice.exchange"
    label = "exchange"
    verbose_name = _("Liên thông văn bản")
