from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core.validators import validate_citizen_id


class User(AbstractUser):
    """A person who signs in: staff (người dùng nội bộ) or citizen (công dân).

    Staff status comes from `is_staff`; every staff account must enrol a TOTP device
    before it can reach the back office (see `middleware.StaffTwoFactorMiddleware`).
    """

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    citizen_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        validators=[validate_citizen_id],
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    email_verified_at = models.DateTimeField(
        _("xác minh thư điện tử lúc"), null=True, blank=True
    )
    # Kept by signals on TOTPDevice (accounts/signals.py) so that the per-request
    # "must this user pass a second factor?" check reads the row already loaded.
    second_factor_enrolled = models.BooleanField(
        _("đã bật xác thực hai bước"), default=False, editable=False
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username
