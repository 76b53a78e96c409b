import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cryptography import x509

from backoffice.core.validators import validate_agency_code

from .constants import (
    STATUS_LABELS,
    Direction,
    PacketKind,
    PacketState,
    RecallState,
)


def validate_certificate_pem(value: str) -> None:
    try:
        x509.load_pem_x509_certificate(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise ValidationError(
            _("Không đọc được chứng thư số (cần định dạng PEM).")
        ) from exc


class Peer(models.Model):
    """Another installation this one exchanges documents with: where its exchange
    endpoint is and the certificate its packets must be signed with."""

    audit_in_admin = True

    name = models.CharField(_("tên hệ thống"), max_length=200)
    base_url = models.URLField(_("địa chỉ hệ thống"), max_length=300)
    certificate_pem = models.TextField(
        _("chứng thư ký gói tin (PEM)"), validators=[validate_certificate_pem]
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("hệ thống liên thông")
        verbose_name_plural = _("hệ thống liên thông")

    def __str__(self) -> str:
        return self.name

    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.certificate_pem.encode("ascii"))


class PeerAgency(models.Model):
    """An agency (by its identifier code) reached through a peer."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="agencies")
    code = models.CharField(
        _("mã định danh"), max_length=35, unique=True, validators=[validate_agency_code]
    )
    name = models.CharField(_("tên cơ quan"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cơ quan của hệ thống liên thông")
        verbose_name_plural = _("cơ quan của hệ thống liên thông")

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class ExchangePacket(models.Model):
    """One packet sent or received (gói tin): a document packet or a status
    packet, its exact bytes kept with their SHA-256 (never changed), and for the
    outbox its delivery attempts."""

    audit_in_admin = True

    kind = models.CharField(_("loại gói tin"), max_length=10, choices=PacketKind)
    direction = models.CharField(_("chiều"), max_length=3, choices=Direction)
    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=255)
    # What makes a packet the same packet (idempotency): unique per direction.
    dedup_key = models.CharField(max_length=600, editable=False)
    peer = models.ForeignKey(
        Peer,
        verbose_name=_("hệ thống liên thông"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="packets",
    )
    agency = models.ForeignKey(
        "core.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivery = models.ForeignKey(
        "outgoing.OutgoingRecipient",
        verbose_name=_("nơi nhận văn bản đi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    business_type = models.PositiveSmallIntegerField(_("nghiệp vụ"), default=0)
    status_code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    sender_code = models.CharField(_("nơi gửi"), max_length=35, blank=True)
    recipient_codes = models.CharField(_("nơi nhận"), max_length=600, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500, blank=True)
    state = models.CharField(_("tình trạng"), max_length=10, choices=PacketState)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    content = models.BinaryField(_("gói tin"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("kích thước"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("gói tin liên thông")
        verbose_name_plural = _("gói tin liên thông")
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "dedup_key"], name="exchange_packet_once"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["document_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.document_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The packet's bytes are immutable: only the first save may set them.
        if self.pk is not None:
            stored = (
                ExchangePacket.objects.filter(pk=self.pk)
                .values_list("sha256", flat=True)
                .first()
            )
            if stored is not None and stored != self.sha256:
                raise ValidationError(_("Không được thay đổi nội dung gói tin."))
        elif self.content is not None:
            self.sha256 = hashlib.sha256(bytes(self.content)).hexdigest()
            self.size = len(self.content)
        super().save(*args, **kwargs)


class ExchangeStatus(models.Model):
    """A status reported for a document (mã trạng thái 01…16), per recipient
    organ: received from the peer (direction in) or sent to it (out)."""

    packet = models.ForeignKey(
        ExchangePacket,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statuses",
    )
    direction = models.CharField(_("chiều"), max_length=3, choices=Direction)
    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=255)
    organ_id = models.CharField(_("cơ quan báo trạng thái"), max_length=35)
    code = models.CharField(_("mã trạng thái"), max_length=2)
    description = models.TextField(_("ghi chú"), blank=True)
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("trạng thái văn bản liên thông")
        verbose_name_plural = _("trạng thái văn bản liên thông")
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "document_id", "organ_id", "code"],
                name="exchange_status_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.organ_id} {self.code}"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS.get(self.code, self.code))


class ExchangeRecall(models.Model):
    """A sender's request to recall (thu hồi) a document received here, and the
    clerk's decision. An agreed recall marks the received document recalled:
    nothing is deleted."""

    document_id = models.CharField(_("mã văn bản (DocumentId)"), max_length=255)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "core.Agency",
        verbose_name=_("cơ quan nhận"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    incoming = models.ForeignKey(
        "incoming.IncomingDocument",
        verbose_name=_("văn bản đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender_code = models.CharField(_("nơi gửi"), max_length=35)
    reason = models.TextField(_("lý do thu hồi"), blank=True)
    state = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=RecallState,
        default=RecallState.REQUESTED,
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("đề nghị thu hồi văn bản")
        verbose_name_plural = _("đề nghị thu hồi văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["document_id", "agency"], name="exchange_recall_once"
            )
        ]

    def __str__(self) -> str:
        return self.document_id
