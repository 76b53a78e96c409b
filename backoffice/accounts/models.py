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
    # Set when a national identity provider asserted `citizen_id` (OIDC sign-in);
    # a number typed at registration is not verified.
    citizen_id_verified_at = models.DateTimeField(
        _("số định danh được xác thực lúc"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class ExternalIdentity(models.Model):
    """An identity at an OpenID Connect provider (VNeID) linked to a user."""

    user = models.ForeignKey(
        User,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=300)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    citizen_id = models.CharField(_("số định danh cá nhân"), max_length=12)
    created_at = models.DateTimeField(_("liên kết lúc"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("đăng nhập gần nhất"), null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="unique_external_identity"
            )
        ]
        verbose_name = _("định danh liên kết")
        verbose_name_plural = _("định danh liên kết")

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
