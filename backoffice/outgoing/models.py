"""Outgoing documents (văn bản đi): the draft, its file versions, its history and
its deliveries, one per recipient."""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
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
    Channel,
    DeliveryStatus,
    EventKind,
    FileKind,
    FileRole,
    OutgoingStatus,
    PaperReason,
)


class OutgoingDocumentQuerySet(models.QuerySet):
    def released(self) -> "OutgoingDocumentQuerySet":
        return self.filter(number__isnull=False)


class OutgoingDocument(models.Model):
    """Văn bản đi: drafted by a specialist, approved by a leader of the same
    agency, numbered, signed and sent by the clerk.

    The number is taken at release, inside the release transaction (gap-free per
    agency, year and series); a recalled document keeps its number.
    """

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=OutgoingStatus.choices,
        default=OutgoingStatus.DRAFT,
    )
    document_type = document_type_field()
    is_legal = models.BooleanField(
        _("văn bản quy phạm pháp luật"),
        default=False,
        help_text=_("Số, ký hiệu của văn bản quy phạm pháp luật có thêm năm ban hành."),
    )
    subject = models.TextField(_("trích yếu"))
    issuer_symbol = models.CharField(
        _("ký hiệu cơ quan ban hành"),
        max_length=40,
        help_text=_("Ví dụ UBND, STP; phần sau loại văn bản trong ký hiệu."),
    )
    drafting_unit = models.CharField(_("đơn vị soạn thảo"), max_length=200, blank=True)
    drafting_unit_symbol = models.CharField(
        _("ký hiệu đơn vị soạn thảo"),
        max_length=20,
        blank=True,
        help_text=_("Dùng trong ký hiệu công văn, ví dụ 12/UBND-VX."),
    )
    field = models.CharField(_("lĩnh vực"), max_length=200, blank=True)
    urgency = urgency_field(max_length=20)
    confidentiality = confidentiality_field(max_length=20)
    deadline = models.DateField(_("hạn trả lời"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng bản"), default=1)
    file_copy_holder = models.CharField(
        _("đơn vị, người nhận bản lưu"), max_length=200, blank=True
    )
    notes = notes_field()
    is_public = models.BooleanField(
        _("công bố trên Cổng thông tin"),
        default=False,
        help_text=_("Văn bản cần phổ biến rộng rãi (Điều 7.2.c)."),
    )
    keep_on_paper = models.BooleanField(
        _("nơi nhận phải lưu bản giấy"),
        default=False,
        help_text=_(
            "Hồ sơ thủ tục, bản kê khai tài sản, kết luận thanh tra, chứng từ tài "
            "chính (Điều 9)."
        ),
    )
    paper_override = models.BooleanField(
        _("điều chỉnh yêu cầu bản giấy"), null=True, blank=True
    )
    paper_override_reason = models.CharField(
        _("lý do điều chỉnh"), max_length=500, blank=True
    )
    reply_to = models.ForeignKey(
        "incoming.IncomingDocument",
        verbose_name=_("trả lời văn bản đến"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người soạn"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lãnh đạo duyệt, ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = signer_name_field()
    signer_position = signer_position_field()
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    series = models.CharField(_("dãy số"), max_length=20, blank=True)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    released_at = models.DateTimeField(_("phát hành lúc"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("văn thư phát hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    release_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("văn thư yêu cầu phát hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    release_error = models.TextField(_("lý do ký số không thành công"), blank=True)
    pages = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    file_version = models.PositiveIntegerField(_("phiên bản tệp"), default=0)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=500, blank=True)
    publication = models.ForeignKey(
        "documents.OfficialDocument",
        verbose_name=_("văn bản trên Cổng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    STATUS_TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = TRANSITIONS

    objects = OutgoingDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "series", "number"],
                condition=models.Q(number__isnull=False),
                name="outgoing_unique_number",
            )
        ]
        indexes = [models.Index(fields=["agency", "status"])]
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")

    def __str__(self) -> str:
        return self.number_symbol or f"#{self.pk} {self.subject[:60]}"

    def transition_to(self, status: str) -> None:
        """Move to `status`, refusing what the table does not allow."""
        if status not in self.STATUS_TRANSITIONS.get(self.status, frozenset()):
            raise ValidationError(
                _("Không thể chuyển văn bản từ “%(old)s” sang “%(new)s”.")
                % {
                    "old": OutgoingStatus(self.status).label,
                    "new": OutgoingStatus(status).label,
                }
            )
        self.status = status

    @property
    def paper_reason(self) -> str:
        """Why a paper copy goes too (PaperReason value; "" for none), computed
        from the type and the recipients (Art. 9)."""
        from .paper import paper_reason

        return paper_reason(self)

    @property
    def paper_required(self) -> bool:
        """The Art. 9 flag: computed, unless overridden with a reason."""
        if self.paper_override is not None:
            return self.paper_override
        return bool(self.paper_reason)

    def paper_reason_label(self) -> str:
        return str(PaperReason(self.paper_reason).label)


def outgoing_file_path(instance: "OutgoingFile", filename: str) -> str:
    return (
        f"outgoing/{instance.document.agency.code}/{instance.document_id}/"
        f"v{instance.version}-{instance.kind}-{instance.sha256[:12]}.pdf"
    )


class OutgoingFile(models.Model):
    """One PDF of a document in one version: every draft version is kept, and the
    signed files of the release are a version of their own."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="files"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=FileRole.choices)
    kind = models.CharField(_("loại"), max_length=10, choices=FileKind.choices)
    version = models.PositiveIntegerField(_("phiên bản"))
    position = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=outgoing_file_path, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "role", "position", "id"]
        verbose_name = _("tệp văn bản đi")
        verbose_name_plural = _("tệp văn bản đi")

    def __str__(self) -> str:
        return f"v{self.version} {self.original_name}"


class OutgoingEvent(models.Model):
    """One step of the document's history (append-only), with its comment."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("sự kiện"), max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("trạng thái"), max_length=20, blank=True)
    version = models.PositiveIntegerField(_("phiên bản tệp"), default=0)
    comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("lịch sử văn bản đi")
        verbose_name_plural = _("lịch sử văn bản đi")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y %H:%M}"


class OutgoingRecipient(models.Model):
    """Nơi nhận: an agency of this installation or an e-mail address, and the
    delivery to it (queued → sent → acknowledged / refused; failed after retries)."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The agency that really received it (the successor of a merged one).
    routed_to = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    name = models.CharField(_("tên nơi nhận"), max_length=255, blank=True)
    channel = models.CharField(_("kênh gửi"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("tình trạng gửi"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    external_ref = models.CharField(_("mã bên nhận"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(
        _("bên nhận xác nhận lúc"), null=True, blank=True
    )
    ack_note = models.CharField(_("phản hồi của bên nhận"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("nơi nhận văn bản đi")
        verbose_name_plural = _("nơi nhận văn bản đi")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.agency_id:
            return self.agency.name
        return f"{self.name} <{self.email}>" if self.name else self.email
