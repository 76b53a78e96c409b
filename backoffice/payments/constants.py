from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentState(models.TextChoices):
    PENDING = "pending", _("Đang chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    CANCELLED = "cancelled", _("Đã hủy thanh toán")


# The most a single fee request may ask for (VND): guards against a typo of zeros.
FEE_MAX_VND = 1_000_000_000


def vnd(amount: int) -> str:
    """1234567 → "1.234.567 đồng" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đồng"
