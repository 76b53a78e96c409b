"""Keep `User.second_factor_enrolled` equal to "has a confirmed TOTP device".

Signals, not service calls, because devices are also created, confirmed and deleted
outside the services (Django admin, django-otp's own views, the demo loader), and
the flag decides whether a session must pass a second factor.
"""

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def second_factor_sync(sender: type, instance: TOTPDevice, **kwargs: Any) -> None:
    enrolled = TOTPDevice.objects.filter(
        user_id=instance.user_id, confirmed=True
    ).exists()
    User.objects.filter(pk=instance.user_id).update(second_factor_enrolled=enrolled)
    cached = TOTPDevice._meta.get_field("user").get_cached_value(instance, None)
    if cached is not None:
        cached.second_factor_enrolled = enrolled
