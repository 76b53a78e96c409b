from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel

from backoffice.core.models import Agency

from .constants import ApplicantType, CopyForm, OnlineLevel, SubmissionChannel
from .legal_basis import LegalReference, legal_references_resolve
from .validators import parse_formats, validate_formats, validate_procedure_code


class Field(models.Model):
    """Lĩnh vực: the subject area a procedure belongs to."""

    audit_in_admin = True

    code = models.SlugField(_("mã lĩnh vực"), max_length=60, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class Procedure(index.Indexed, ClusterableModel):
    """Thủ tục hành chính as published in the national database."""

    audit_in_admin = True

    code = models.CharField(
        _("mã thủ tục"), max_length=8, unique=True, validators=[validate_procedure_code]
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field,
        verbose_name=_("lĩnh vực"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    agencies = ParentalManyToManyField(
        Agency, verbose_name=_("cơ quan thực hiện"), related_name="procedures"
    )
    processing_days = models.PositiveSmallIntegerField(
        _("thời hạn giải quyết (ngày làm việc)"), validators=[MinValueValidator(1)]
    )
    fees = models.TextField(_("phí, lệ phí"), blank=True)
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.PARTIAL,
    )
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    legal_basis = models.TextField(
        _("căn cứ pháp lý"),
        blank=True,
        help_text=_(
            "Mỗi văn bản một dòng hoặc cách nhau bằng dấu chấm phẩy; số, ký hiệu "
            "được liên kết tới văn bản đã công bố trong thư viện."
        ),
    )
    steps = models.TextField(
        _("trình tự thực hiện"), blank=True, help_text=_("Mỗi bước một dòng.")
    )
    conditions = models.TextField(_("yêu cầu, điều kiện thực hiện"), blank=True)
    processing_time_note = models.TextField(
        _("ghi chú về thời hạn giải quyết"), blank=True
    )
    channel_counter = models.BooleanField(
        _("nộp trực tiếp tại Bộ phận Một cửa"), default=True
    )
    channel_online = models.BooleanField(_("nộp trực tuyến"), default=True)
    channel_post = models.BooleanField(_("nộp qua dịch vụ bưu chính"), default=False)
    for_citizens = models.BooleanField(_("công dân được thực hiện"), default=True)
    for_organisations = models.BooleanField(_("tổ chức được thực hiện"), default=False)
    for_businesses = models.BooleanField(
        _("doanh nghiệp được thực hiện"), default=False
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("code"), FieldPanel("name"), FieldPanel("field")],
            heading=_("Thông tin chung"),
        ),
        FieldPanel("agencies"),
        FieldPanel("processing_days"),
        FieldPanel("processing_time_note"),
        FieldPanel("online_level"),
        MultiFieldPanel(
            [
                FieldPanel("channel_counter"),
                FieldPanel("channel_online"),
                FieldPanel("channel_post"),
            ],
            heading=_("Cách thức thực hiện"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("for_citizens"),
                FieldPanel("for_organisations"),
                FieldPanel("for_businesses"),
            ],
            heading=_("Đối tượng thực hiện"),
        ),
        FieldPanel("steps"),
        FieldPanel("conditions"),
        FieldPanel("fees"),
        InlinePanel("components", heading=_("Thành phần hồ sơ"), label=_("thành phần")),
        FieldPanel("result"),
        FieldPanel("legal_basis"),
        FieldPanel("is_active"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("code"),
        index.AutocompleteField("name"),
        index.FilterField("is_active"),
        index.FilterField("field_id"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self) -> None:
        errors = {}
        if not self.channels:
            errors["channel_counter"] = _("Cần ít nhất một cách thức nộp hồ sơ.")
        if not self.applicant_types:
            errors["for_citizens"] = _("Cần ít nhất một đối tượng thực hiện.")
        if errors:
            raise ValidationError(errors)

    @property
    def channels(self) -> list[str]:
        """Cách thức thực hiện, in the order the sheet lists them."""
        flags = {
            SubmissionChannel.COUNTER: self.channel_counter,
            SubmissionChannel.ONLINE: self.channel_online,
            SubmissionChannel.POST: self.channel_post,
        }
        return [str(c) for c, on in flags.items() if on]

    @property
    def applicant_types(self) -> list[str]:
        """Đối tượng thực hiện: citizen, organisation, business."""
        flags = {
            ApplicantType.CITIZEN: self.for_citizens,
            ApplicantType.ORGANISATION: self.for_organisations,
            ApplicantType.BUSINESS: self.for_businesses,
        }
        return [str(t) for t, on in flags.items() if on]

    def channel_labels(self) -> list[str]:
        return [str(SubmissionChannel(c).label) for c in self.channels]

    def applicant_type_labels(self) -> list[str]:
        return [str(ApplicantType(t).label) for t in self.applicant_types]

    def step_list(self) -> list[str]:
        return [s.strip() for s in self.steps.splitlines() if s.strip()]

    def legal_references(self) -> list["LegalReference"]:
        """The legal basis, one item per document, linked where it is published."""
        return legal_references_resolve(self.legal_basis)


class ProcedureComponent(Orderable):
    """Thành phần hồ sơ: one document the applicant must supply."""

    procedure = ParentalKey(
        Procedure, on_delete=models.CASCADE, related_name="components"
    )
    name = models.CharField(_("tên thành phần"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    copy_form = models.CharField(
        _("loại bản"),
        max_length=20,
        choices=CopyForm.choices,
        default=CopyForm.ORIGINAL,
    )
    count = models.PositiveSmallIntegerField(
        _("số lượng"), default=1, validators=[MinValueValidator(1)]
    )
    accepted_formats = models.CharField(
        _("định dạng chấp nhận"),
        max_length=100,
        default="pdf,jpg,png",
        validators=[validate_formats],
        help_text=_("Phân cách bằng dấu phẩy, ví dụ: pdf,jpg,png"),
    )
    template = models.FileField(
        _("mẫu đơn, tờ khai"), upload_to="procedures/templates/", blank=True
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("required"),
        FieldPanel("copy_form"),
        FieldPanel("count"),
        FieldPanel("accepted_formats"),
        FieldPanel("template"),
    ]

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name

    @property
    def template_format(self) -> str:
        """ "DOCX" for a .docx template: what the download link tells the reader."""
        return self.template.name.rsplit(".", 1)[-1].upper() if self.template else ""

    @property
    def formats(self) -> list[str]:
        return parse_formats(self.accepted_formats)
