"""Scan batches (lô quét) and their pages, from the counter or the scanner folder."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import Agency
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.procedures.models import ProcedureComponent

from .constants import (
    BatchSource,
    BatchStatus,
    PhotoOutcome,
    ReviewReason,
    ReviewState,
)


def scan_original_upload_to(instance: "ScanBatch", filename: str) -> str:
    return f"scans/originals/{instance.sha256[:2]}/{instance.sha256[:16]}-{filename}"


def scan_derived_upload_to(instance: "ScanPage", filename: str) -> str:
    return f"scans/derived/{instance.batch_id}/{filename}"


class ScanBatch(models.Model):
    """One scanned file: the immutable original with its SHA-256, and its progress.

    Everything the pipeline makes from it (page thumbnails, the dossier files) is
    derived and rebuilt when the batch is run again.
    """

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scan_batches",
    )
    # The dossier page it was uploaded from, if any; pages may still belong to others.
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scan_batches",
    )
    source = models.CharField(_("nguồn"), max_length=12, choices=BatchSource.choices)
    original = models.FileField(upload_to=scan_original_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=BatchStatus.choices,
        default=BatchStatus.QUEUED,
    )
    pages_total = models.PositiveIntegerField(default=0)
    pages_done = models.PositiveIntegerField(default=0)
    error = models.TextField(_("lỗi"), blank=True)
    summary = models.JSONField(default=dict, blank=True)
    runs = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lô quét")
        verbose_name_plural = _("lô quét")

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        if not self.pages_total:
            return 0
        return min(100, round(100 * self.pages_done / self.pages_total))

    @property
    def dossier_files(self) -> models.QuerySet[DossierFile]:
        """The dossier files made from this batch's pages."""
        return DossierFile.objects.filter(scan_origin__batch=self)

    @property
    def is_finished(self) -> bool:
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED)


class ScanPage(models.Model):
    """One page of a batch as the pipeline saw it, and the review decision on it."""

    batch = models.ForeignKey(ScanBatch, on_delete=models.CASCADE, related_name="pages")
    index = models.PositiveIntegerField()  # 0-based position in the original
    thumbnail = models.FileField(
        upload_to=scan_derived_upload_to, max_length=300, blank=True
    )
    rotation = models.SmallIntegerField(default=0)
    skew = models.FloatField(default=0)
    is_blank = models.BooleanField(default=False)
    is_sheet = models.BooleanField(default=False)  # a cover or separator sheet
    qr_payload = models.CharField(max_length=500, blank=True)
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    component = models.ForeignKey(
        ProcedureComponent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept only for pages waiting for review: the upright page with its text layer,
    # so a page assigned by hand is as searchable as the ones the pipeline placed.
    page_pdf = models.FileField(
        upload_to=scan_derived_upload_to, max_length=300, blank=True
    )
    ocr_text = models.TextField(blank=True)
    ocr_confidence = models.FloatField(null=True, blank=True)
    # How the page was read and kept (issue 17): colour kept in the PDF; the
    # source's own resolution; the resolution OCR read an upscaled copy at (a
    # 150-dpi fax is read at 300 dpi); a phone photo's page flattened to A4.
    has_colour = models.BooleanField(_("có màu (dấu, chữ ký, ảnh)"), default=False)
    source_dpi = models.PositiveSmallIntegerField(
        _("độ phân giải gốc (dpi)"), null=True, blank=True
    )
    ocr_dpi = models.PositiveSmallIntegerField(
        _("phóng to để nhận dạng chữ (dpi)"), null=True, blank=True
    )
    flattened = models.BooleanField(_("ảnh chụp đã được làm phẳng"), default=False)
    review_reason = models.CharField(
        max_length=20, choices=ReviewReason.choices, blank=True
    )
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, blank=True, default=ReviewState.NONE
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["batch_id", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "index"], name="unique_scan_page_index"
            )
        ]
        indexes = [models.Index(fields=["review_state", "batch"])]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.index + 1}"

    @property
    def number(self) -> int:
        """1-based page number, as staff count pages."""
        return self.index + 1


class ScannedFile(models.Model):
    """Which pages of which scan batch a dossier file was made from.

    The link lives here, not on DossierFile, so that dossiers knows nothing of
    scanning. A file made from a scan is derived: its immutable original is the
    batch's file, so re-running the batch may replace it.
    """

    file = models.OneToOneField(
        DossierFile,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="scan_origin",
    )
    batch = models.ForeignKey(
        ScanBatch, on_delete=models.PROTECT, related_name="scanned_files"
    )
    # 0-based page indexes in the batch's original file.
    pages = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("tệp số hóa từ lô quét")
        verbose_name_plural = _("tệp số hóa từ lô quét")

    def __str__(self) -> str:
        return f"{self.file_id} ← lô {self.batch_id} {self.pages}"


class FlattenedPhoto(models.Model):
    """A photo uploaded to a dossier and the flat, searchable page made from it.

    The original stays as uploaded; the derived PDF is another dossier file.
    The link lives here until dossiers has a field for derived files (the
    scanning app may know dossiers, not the other way round).
    """

    original = models.OneToOneField(
        DossierFile,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="flattened_photo",
    )
    derived = models.OneToOneField(
        DossierFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flattened_from",
    )
    outcome = models.CharField(
        _("kết quả"), max_length=12, choices=PhotoOutcome.choices
    )
    page_hash = models.CharField(max_length=16, blank=True)  # 64-bit dHash, hex
    duplicate_of = models.ForeignKey(
        DossierFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ảnh chụp đã làm phẳng")
        verbose_name_plural = _("ảnh chụp đã làm phẳng")

    def __str__(self) -> str:
        return f"{self.original_id} → {self.derived_id or self.outcome}"
