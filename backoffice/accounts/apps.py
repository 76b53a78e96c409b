from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "backoffice.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from django_otp.plugins.otp_totp.models import TOTPDevice

        from .signals import second_factor_sync

        for signal in (post_save, post_delete):
            signal.connect(
                second_factor_sync,
                sender=TOTPDevice,
                dispatch_uid=f"accounts.second_factor_sync.{signal is post_save}",
            )
