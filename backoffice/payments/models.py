"""Phí, lệ phí: what the office asks an applicant to pay, and each payment attempt."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.dossiers.models import Dossier

from .constants import PaymentState, vnd


class FeeRequest(models.Model):
    """The amount (VND) a dossier must pay before processing goes on (status 6)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="fee_requests"
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    note = models.CharField(_("nội dung thu"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("yêu cầu nộp phí, lệ phí")
        verbose_name_plural = _("yêu cầu nộp phí, lệ phí")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="fee_request_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.amount} VND"

    @property
    def amount_vnd(self) -> str:
        return vnd(self.amount)


class Payment(models.Model):
    """One attempt to pay a fee request through a payment provider."""

    fee_request = models.ForeignKey(
        FeeRequest, on_delete=models.PROTECT, related_name="payments"
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    provider = models.CharField(_("đơn vị thanh toán"), max_length=40)
    # Our reference, sent to the provider and echoed in its callback.
    provider_reference = models.CharField(max_length=64, unique=True)
    # The provider's own transaction number, known once it confirms.
    provider_transaction = models.CharField(max_length=100, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=PaymentState.choices,
        default=PaymentState.PENDING,
    )
    receipt_number = models.CharField(
        _("số biên lai"), max_length=32, unique=True, null=True, blank=True
    )
    receipt_file = models.ForeignKey(
        "dossiers.DossierFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        constraints = [
            # One paid payment per fee request, whatever happens concurrently.
            models.UniqueConstraint(
                fields=["fee_request"],
                condition=models.Q(state="paid"),
                name="one_paid_payment_per_fee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_reference} ({self.state})"

    @property
    def amount_vnd(self) -> str:
        return vnd(self.amount)


class ReceiptSequence(models.Model):
    """Last receipt number given in a year; its row is locked while one is taken."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year} #{self.last}"
