"""Incoming documents (văn bản đến): files, events, official mail, mailboxes."""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import Agency
from backoffice.documents.fields import (
    confidentiality_field,
    document_type_field,
    notes_field,
    signer_name_field,
    signer_position_field,
    urgency_field,
)

from .constants import (
    TRANSITIONS,
    Confidentiality,
    IncomingEventKind,
    IncomingStatus,
    VerdictKind,
    Via,
)


class IncomingMailbox(models.Model):
    """Hộp thư công vụ of an agency, read over IMAP by the worker's beat.

    The password is kept encrypted (`secrets.mailbox_password_*`) or read from the
    environment variable named in `password_env`. Failures back off exponentially
    and are shown in the admin.
    """

    audit_in_admin = True

    agency = models.OneToOneField(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="incoming_mailbox",
    )
    host = models.CharField(_("máy chủ IMAP"), max_length=255)
    port = models.PositiveIntegerField(
        _("cổng"),
        default=993,
        validators=[MinValueValidator(1), MaxValueValidator(65535)],
    )
    use_ssl = models.BooleanField(_("dùng SSL/TLS"), default=True)
    username = models.CharField(_("tên đăng nhập"), max_length=255)
    password_encrypted = models.TextField(
        _("mật khẩu (đã mã hóa)"), blank=True, editable=False
    )
    password_env = models.CharField(
        _("biến môi trường chứa mật khẩu"),
        max_length=100,
        blank=True,
        help_text=_("Để trống nếu mật khẩu được lưu (mã hóa) trong cơ sở dữ liệu."),
    )
    folder = models.CharField(_("thư mục"), max_length=255, default="INBOX")
    poll_interval = models.PositiveIntegerField(
        _("chu kỳ đọc thư (giây)"), default=300, validators=[MinValueValidator(30)]
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    uid_validity = models.PositiveBigIntegerField(default=0, editable=False)
    last_uid = models.PositiveBigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(
        _("lần đọc thư gần nhất"), null=True, blank=True, editable=False
    )
    next_poll_at = models.DateTimeField(
        _("lần đọc thư kế tiếp"), null=True, blank=True, editable=False
    )
    failures = models.PositiveIntegerField(
        _("số lần lỗi liên tiếp"), default=0, editable=False
    )
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, editable=False)

    class Meta:
        verbose_name = _("hộp thư công vụ")
        verbose_name_plural = _("hộp thư công vụ")

    def __str__(self) -> str:
        return f"{self.username}@{self.host} ({self.agency.code})"

    def clean(self) -> None:
        if not self.password_env and not self.password_encrypted:
            raise ValidationError(
                _("Cần nhập mật khẩu hoặc tên biến môi trường chứa mật khẩu.")
            )


class IncomingMail(models.Model):
    """One official e-mail read from a mailbox or imported as .eml.

    Unique per agency and Message-ID: polling twice stores it once. Attachments that
    are not PDFs stay listed here (not registered); each PDF became a document.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="incoming_mails"
    )
    message_id = models.CharField(_("Message-ID"), max_length=998)
    sender = models.CharField(_("người gửi"), max_length=320)
    subject = models.CharField(_("tiêu đề"), max_length=998, blank=True)
    sent_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    # [{"name", "media_type", "size", "sha256", "accepted", "reason"}]
    attachments = models.JSONField(_("tệp đính kèm"), default=list, blank=True)
    problem = models.TextField(_("vấn đề"), blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "message_id"], name="unique_incoming_mail"
            )
        ]
        verbose_name = _("thư điện tử đến")
        verbose_name_plural = _("thư điện tử đến")

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"[:200]


class IncomingDocument(models.Model):
    """Văn bản đến: what arrived, its signature verdict, its register entry
    (Art. 10.1.b fields) and its routing to a leader and specialists."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan nhận"),
        on_delete=models.PROTECT,
        related_name="incoming_documents",
    )
    via = models.CharField(_("kênh nhận"), max_length=10, choices=Via.choices)
    source_ref = models.CharField(
        _("mã tham chiếu nơi gửi"), max_length=998, blank=True
    )
    sender = models.CharField(_("nơi gửi"), max_length=320, blank=True)
    delivered_by = models.CharField(_("người chuyển đến"), max_length=200, blank=True)
    mail = models.ForeignKey(
        IncomingMail,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    status = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=IncomingStatus.choices,
        default=IncomingStatus.RECEIVED,
        db_index=True,
    )
    delivered_at = models.DateTimeField(_("thời điểm vào hệ thống"))
    received_at = models.DateTimeField(
        _("thời điểm nhận (Điều 12)"),
        help_text=_("Ngoài giờ hành chính: tính từ đầu giờ làm việc kế tiếp."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    incoming_number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    registered_at = models.DateTimeField(_("vào sổ lúc"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(
        _("kết quả kiểm tra chữ ký số"),
        max_length=10,
        choices=VerdictKind.choices,
        blank=True,
        help_text=_("Trống khi đang kiểm tra."),
    )
    verdict_reason = models.TextField(_("chi tiết kiểm tra"), blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    override_reason = models.TextField(_("lý do vẫn vào sổ"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("trùng với văn bản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Art. 10.1.b
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    issuer_code = models.CharField(_("mã cơ quan ban hành"), max_length=35, blank=True)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    number_symbol_key = models.CharField(max_length=100, blank=True, db_index=True)
    issued_on = models.DateField(_("ngày văn bản"), null=True, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=200, blank=True)
    document_type = document_type_field(blank=True)
    subject = models.TextField(_("trích yếu nội dung"), blank=True)
    urgency = urgency_field(max_length=12)
    confidentiality = confidentiality_field(max_length=12)
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    signer_name = signer_name_field()
    signer_position = signer_position_field()
    storage_location = models.CharField(_("nơi lưu"), max_length=255, blank=True)
    notes = notes_field()
    # Routing
    instruction = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chuyên viên chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_led",
    )
    co_handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("phối hợp"),
        blank=True,
        related_name="incoming_shared",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    handling_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý (ngày làm việc)"), null=True, blank=True)
    overdue_since = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("kết quả xử lý"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Thu hồi: the sender recalled it and the clerk agreed; the document, its files
    # and its register row stay, frozen (no further step is allowed).
    recalled_at = models.DateTimeField(_("bị thu hồi lúc"), null=True, blank=True)
    recall_reason = models.TextField(_("lý do thu hồi"), blank=True)
    acknowledged_at = models.DateTimeField(_("đã báo nhận lúc"), null=True, blank=True)
    full_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "incoming_number"],
                condition=models.Q(incoming_number__isnull=False),
                name="unique_incoming_number",
            ),
            models.UniqueConstraint(
                fields=["agency", "via", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="unique_incoming_source_ref",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status"], name="incoming_agency_status")
        ]

    STATUS_TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = TRANSITIONS

    def __str__(self) -> str:
        if self.incoming_number:
            return f"{self.incoming_number}/{self.year} {self.number_symbol}".strip()
        return f"#{self.pk} {self.number_symbol or self.subject[:60]}".strip()

    def transition_to(self, status: str) -> None:
        """Move to `status`, refusing what the table does not allow."""
        if self.recalled_at is not None:
            raise ValidationError(
                _("Văn bản đã bị nơi gửi thu hồi: không thể xử lý tiếp.")
            )
        if status not in self.STATUS_TRANSITIONS.get(self.status, frozenset()):
            raise ValidationError(
                _("Không thể chuyển văn bản từ “%(old)s” sang “%(new)s”.")
                % {
                    "old": IncomingStatus(self.status).label,
                    "new": IncomingStatus(status).label,
                }
            )
        self.status = status

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL

    @property
    def main_file(self) -> "IncomingFile | None":
        return next((f for f in self.files.all() if f.is_main), None)


def incoming_file_upload_to(instance: "IncomingFile", filename: str) -> str:
    return f"incoming/{instance.sha256[:2]}/{instance.sha256[:16]}-{filename}"


class IncomingFile(models.Model):
    """A file of an incoming document: the immutable original and what was read."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="files"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_main = models.BooleanField(default=False)
    file = models.FileField(
        upload_to=incoming_file_upload_to, max_length=300, blank=True
    )
    original_name = models.CharField(_("tên tệp"), max_length=255)
    media_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_source = models.CharField(max_length=10, blank=True)  # "layer" | "ocr"
    verdict = models.CharField(max_length=10, choices=VerdictKind.choices, blank=True)
    signatures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("tệp văn bản đến")
        verbose_name_plural = _("tệp văn bản đến")

    def __str__(self) -> str:
        return self.original_name


class IncomingEvent(models.Model):
    """One step in a document's history; the channel hears about it on commit."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=12, choices=IncomingEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("diễn biến văn bản đến")
        verbose_name_plural = _("diễn biến văn bản đến")

    def __str__(self) -> str:
        return f"{self.document_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
