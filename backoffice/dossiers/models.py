import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import Agency
from backoffice.core.validators import validate_citizen_id, validate_tax_code
from backoffice.procedures.constants import ApplicantType, CopyForm
from backoffice.procedures.models import Procedure, ProcedureComponent

from .constants import TRANSITIONS, Channel, DossierStatus, ResultDelivery


def new_lookup_secret() -> str:
    """Printed on the receipt; with the code it opens the public status page."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud easily
    return "".join(secrets.choice(alphabet) for _ in range(10))


class DossierSequence(models.Model):
    """Last number given per agency and day; its row is locked while a code is taken.

    A rolled-back submission rolls its number back too, so sequences are gap-free.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day"], name="unique_sequence_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day:%Y%m%d} #{self.last}"


class Dossier(models.Model):
    """Hồ sơ: one application for one procedure, from receipt to result."""

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=DossierStatus.choices, default=DossierStatus.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=200)
    # A citizen gives a personal ID number; an organisation or business its name
    # and tax code instead (where the procedure allows them), see Meta.constraints.
    applicant_type = models.CharField(
        _("đối tượng nộp"),
        max_length=12,
        choices=ApplicantType.choices,
        default=ApplicantType.CITIZEN,
    )
    applicant_id_number = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        validators=[validate_citizen_id],
    )
    applicant_organisation = models.CharField(
        _("tên tổ chức, doanh nghiệp"), max_length=300, blank=True
    )
    applicant_tax_code = models.CharField(
        _("mã số thuế"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    representative_name = models.CharField(
        _("người được ủy quyền / đại diện"), max_length=200, blank=True
    )
    representative_id_number = models.CharField(
        _("số định danh của người đại diện"),
        max_length=12,
        blank=True,
        validators=[validate_citizen_id],
    )
    representative_phone = models.CharField(
        _("điện thoại người đại diện"), max_length=20, blank=True
    )
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=10,
        choices=ResultDelivery.choices,
        default=ResultDelivery.DESK,
    )
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    due_at = models.DateTimeField(_("hẹn trả kết quả"))
    finished_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lookup_secret = models.CharField(
        _("mã tra cứu"), max_length=16, default=new_lookup_secret
    )
    source_draft_key = models.UUIDField(
        _("khóa hồ sơ nháp"), null=True, blank=True, unique=True, editable=False
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["agency", "status", "-received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(applicant_type=ApplicantType.CITIZEN)
                    & ~models.Q(applicant_id_number="")
                )
                | (
                    ~models.Q(applicant_type=ApplicantType.CITIZEN)
                    & ~models.Q(applicant_organisation="")
                    & ~models.Q(applicant_tax_code="")
                ),
                name="dossier_applicant_identified",
                violation_error_message=_(
                    "Công dân cần số định danh cá nhân; tổ chức, doanh nghiệp cần "
                    "tên và mã số thuế."
                ),
            )
        ]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return self.code

    def can_move_to(self, status: int) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Status history is append-only.")

    def delete(self):
        raise PermissionError("Status history is append-only.")


class DossierStatusEvent(models.Model):
    """One step of a dossier's status history (append-only)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events"
    )
    status = models.PositiveSmallIntegerField(choices=DossierStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(blank=True)
    due_at = models.DateTimeField(null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.get_status_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Status history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Status history is append-only.")


def original_upload_to(instance: "DossierFile", filename: str) -> str:
    return (
        f"dossiers/{instance.dossier.code}/originals/{instance.sha256[:16]}-{filename}"
    )


class DossierFile(models.Model):
    """A file of a dossier: the immutable original with its SHA-256.

    Every file is made by `services.dossier_file_store`. A file made from a counter
    scan (`source` scan or review) is derived: its immutable original is the scan
    batch's file, so re-running the batch may replace it. Which batch and pages it
    came from is recorded by the scanning app (`scanning.ScannedFile`): dossiers
    does not know about scanning.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Nộp kèm hồ sơ")
        SUPPLEMENT = "supplement", _("Bổ sung")
        RESULT = "result", _("Kết quả giải quyết")
        RECEIPT = "receipt", _("Giấy tiếp nhận và hẹn trả kết quả")
        FORM = "form", _("Biểu mẫu")
        PROPOSED = "proposed", _("Dự thảo kết quả (chờ lãnh đạo duyệt)")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Tải lên")
        SCAN = "scan", _("Số hóa tại quầy (tự động)")
        REVIEW = "review", _("Số hóa tại quầy (cán bộ gán trang)")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="files")
    component = models.ForeignKey(
        ProcedureComponent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SUBMITTED)
    file = models.FileField(upload_to=original_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # Filled by the after-submission check task; the original never changes.
    signature_verdict = models.CharField(max_length=10, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.UPLOAD
    )
    ocr_text = models.TextField(blank=True)
    ocr_confidence = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def save(self, *args, **kwargs) -> None:
        # Only the check results may be written after creation, never the file.
        if self.pk is not None and set(kwargs.get("update_fields") or ()) - {
            "signature_verdict",
            "checked_at",
        }:
            raise PermissionError("A dossier's original files are immutable.")
        if self.pk is not None and not kwargs.get("update_fields"):
            raise PermissionError("A dossier's original files are immutable.")
        super().save(*args, **kwargs)

    @property
    def is_scan(self) -> bool:
        return self.source != self.Source.UPLOAD


def draft_upload_to(instance: "DraftFile", filename: str) -> str:
    return f"drafts/{instance.draft.owner_id}/{instance.draft_id}/{filename}"


class SubmissionDraft(models.Model):
    """An online submission being prepared (hồ sơ nháp): data and checked files.

    It has no code and no status; submitting it creates the Dossier and deletes it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    # Carried by the review form: a second "submit" of the same draft (a retry, a
    # double click) finds the dossier made from it instead of making another.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "procedure"], name="one_draft_per_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_id}/{self.procedure_id}"


class DraftFile(models.Model):
    draft = models.ForeignKey(
        SubmissionDraft, on_delete=models.CASCADE, related_name="files"
    )
    component = models.ForeignKey(
        ProcedureComponent, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to=draft_upload_to, max_length=300)
    name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DossierSupplementRequest(models.Model):
    """What a supplement request (form 02) asked for: components and reason."""

    event = models.OneToOneField(
        DossierStatusEvent, on_delete=models.PROTECT, related_name="supplement_request"
    )
    component_ids = models.JSONField(default=list)
    reason = models.TextField()

    def __str__(self) -> str:
        return f"{self.event_id}: {self.reason[:40]}"


class ReceivedComponent(models.Model):
    """Thành phần hồ sơ nhận tại quầy: what paper was handed in, and where it is kept.

    Paper that is not digitised stays in a labelled box on a shelf (Art. 10.3.a);
    the location fields say where.
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="received_components"
    )
    component = models.ForeignKey(
        ProcedureComponent,
        verbose_name=_("thành phần hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    copy_form = models.CharField(_("loại bản"), max_length=20, choices=CopyForm.choices)
    count = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    kept_on_paper = models.BooleanField(_("lưu bản giấy, không số hóa"), default=False)
    location_box = models.CharField(_("hộp"), max_length=60, blank=True)
    location_shelf = models.CharField(_("kệ, giá"), max_length=60, blank=True)
    location_note = models.CharField(_("ghi chú vị trí"), max_length=200, blank=True)
    located_at = models.DateTimeField(null=True, blank=True)
    located_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["component__sort_order", "component_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "component"], name="unique_received_component"
            )
        ]
        verbose_name = _("thành phần đã nhận")
        verbose_name_plural = _("thành phần đã nhận")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.component_id} × {self.count}"

    @property
    def location(self) -> str:
        parts = [
            f"Hộp {self.location_box}" if self.location_box else "",
            f"Kệ {self.location_shelf}" if self.location_shelf else "",
            self.location_note,
        ]
        return ", ".join(p for p in parts if p)


class DossierRating(models.Model):
    """The applicant's rating of the service once the result is returned (once)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("mức hài lòng"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá hồ sơ")
        verbose_name_plural = _("đánh giá hồ sơ")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="dossier_rating_score_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"


# Processing models live in their own module; importing them here registers them
# and keeps `backoffice.dossiers.models.<Name>` working for each.
from .processing_models import (  # noqa: E402, F401
    DossierOverdueNotice,
    DossierProposal,
    DossierStep,
    DossierSuspension,
    ProcessStep,
    StepRole,
)
