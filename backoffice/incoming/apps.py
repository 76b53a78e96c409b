from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncomingConfig(AppConfig):
    name = "backoffice.incoming"
    label = "incoming"
    verbose_name = _("Văn bản đến")

    def ready(self) -> None:
        from backoffice.core.registers import register_book_register

        from .acknowledgements import email_channel_notify
        from .constants import REGISTER, Via
        from .notify import channel_notifier_register
        from .register_book import incoming_register_table

        register_book_register(REGISTER, incoming_register_table)
        # A desk upload is acknowledged too when the clerk noted the sender's
        # e-mail address (the notifier does nothing without one).
        channel_notifier_register(Via.EMAIL, email_channel_notify)
        channel_notifier_register(Via.UPLOAD, email_channel_notify)
