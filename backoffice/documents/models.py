"""Official documents published to the public library (văn bản công bố).

The record and its files live here (the system of record); the page that shows
one to the public is presentation, made by whoever registered a
`publishing.DocumentPublisher` (the portal); this package asks that interface,
never the page model.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import DocumentType, LegalStatus, SignatureVerdict
from .fields import signer_name_field, signer_position_field


class TextSource(models.TextChoices):
    """Where the full text came from."""

    NONE = "", _("Chưa có")
    TEXT_LAYER = "text-layer", _("Lớp văn bản của tệp PDF")
    OCR = "ocr", _("Nhận dạng ký tự (OCR)")


class OfficialDocumentQuerySet(models.QuerySet):
    def public(self) -> "OfficialDocumentQuerySet":
        """Documents whose public page is live, as the registered publisher says
        (none while no publisher is registered)."""
        from .publishing import publisher_get

        return publisher_get().live(self)


class OfficialDocument(models.Model):
    """Văn bản: one official document with its metadata, full text and verdict.

    Identified by (issuer, number-symbol key): the key ignores case and spacing
    differences, so "15/2016/QĐ-UBND" and "15/2016/qđ-ubnd" are the same document.
    """

    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100)
    number_symbol_key = models.CharField(max_length=100, editable=False)
    document_type = models.CharField(
        _("loại văn bản"), max_length=30, choices=DocumentType.choices
    )
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    signer_name = signer_name_field()
    signer_position = signer_position_field()
    issued_date = models.DateField(_("ngày ban hành"))
    effective_date = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=200, blank=True)
    subject = models.TextField(_("trích yếu"))
    legal_status = models.CharField(
        _("tình trạng hiệu lực"),
        max_length=20,
        choices=LegalStatus.choices,
        default=LegalStatus.IN_FORCE,
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
    )
    full_text = models.TextField(_("toàn văn"), blank=True)
    text_source = models.CharField(
        _("nguồn toàn văn"),
        max_length=20,
        choices=TextSource.choices,
        blank=True,
        default=TextSource.NONE,
    )
    # The worst verdict of its files: what the public badge shows.
    signature_verdict = models.CharField(
        _("kết quả kiểm tra chữ ký số"),
        max_length=10,
        choices=SignatureVerdict.choices,
        default=SignatureVerdict.UNSIGNED,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = OfficialDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number_symbol_key"],
                name="unique_document_per_issuer",
            )
        ]
        indexes = [models.Index(fields=["document_type", "-issued_date"])]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")

    def __str__(self) -> str:
        return f"{self.number_symbol} — {self.issuer}"

    def clean(self) -> None:
        errors = {}
        if self.effective_date and self.effective_date < self.issued_date:
            errors["effective_date"] = _(
                "Ngày có hiệu lực không được trước ngày ban hành."
            )
        if self.legal_status == LegalStatus.REPLACED and not self.replaced_by_id:
            errors["replaced_by"] = _(
                "Văn bản “bị thay thế” phải chỉ ra văn bản thay thế nó."
            )
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            errors["replaced_by"] = _("Một văn bản không thể thay thế chính nó.")
        if errors:
            raise ValidationError(errors)

    @property
    def year(self) -> int:
        return self.issued_date.year


def document_file_upload_to(instance: "DocumentFile", filename: str) -> str:
    return f"documents/{instance.sha256[:2]}/{instance.sha256[:16]}-{filename}"


class DocumentFile(models.Model):
    """A PDF of a document: the immutable original, its text and signature check."""

    document = models.ForeignKey(
        OfficialDocument, on_delete=models.CASCADE, related_name="files"
    )
    position = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=document_file_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_source = models.CharField(
        max_length=20, choices=TextSource.choices, blank=True, default=TextSource.NONE
    )
    signature_verdict = models.CharField(
        _("kết quả kiểm tra chữ ký số"),
        max_length=10,
        choices=SignatureVerdict.choices,
    )
    # One dict per signature: verify_pdf's keys + issuer_chain (common names,
    # signer's issuer first).
    signatures = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("tệp văn bản")
        verbose_name_plural = _("tệp văn bản")

    def __str__(self) -> str:
        return self.original_name
