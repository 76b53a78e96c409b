from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutgoingConfig(AppConfig):
    name = "backoffice.outgoing"
    label = "outgoing"
    verbose_name = _("Văn bản đi")

    def ready(self) -> None:
        from backoffice.core.leases import register_give_up
        from backoffice.core.registers import register_book_register
        from backoffice.incoming.notify import channel_notifier_register

        from .constants import REGISTER, RELEASE_JOB
        from .dispatch import internal_channel_notify
        from .register_book import outgoing_register_table
        from .release import outgoing_release_give_up

        register_book_register(REGISTER, outgoing_register_table)
        channel_notifier_register("internal", internal_channel_notify)
        register_give_up(RELEASE_JOB, outgoing_release_give_up)
