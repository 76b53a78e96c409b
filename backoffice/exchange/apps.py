from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Inter-agency exchange: edXML packets (QCVN 102:2016), peers, status."""

    name = "backoffice.exchange"
    label = "exchange"
    verbose_name = _("Liên thông văn bản")

    def ready(self) -> None:
        from backoffice.dossiers.remote_transfer import (
            remote_transfer_channel_register,
        )
        from backoffice.incoming.notify import channel_notifier_register
        from backoffice.outgoing.channels import channel_resolver_register
        from backoffice.outgoing.dispatch import dispatch_adapter_register

        from .dossier_transfer import EdxmlTransferChannel
        from .outbound import edxml_dispatch
        from .peers import peer_agency_channel
        from .statuses import incoming_event_notify

        dispatch_adapter_register("edxml", edxml_dispatch)
        channel_resolver_register(peer_agency_channel)
        channel_notifier_register("edxml", incoming_event_notify)
        remote_transfer_channel_register(EdxmlTransferChannel())
