"""E-files and the archive (Art. 14–15): the retention schedule, the yearly file
catalogue (danh mục hồ sơ), e-files (hồ sơ công việc) and what is filed in them.

A document, outgoing document, dossier or free document sits in one file only:
each filed item holds a one-to-one link, so the database refuses a second filing.
Free documents are originals: stored once with their SHA-256, never changed.
"""

import functools
import operator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import Agency

from .constants import EFileStatus, FreeDocumentKind, ItemKind, PackageStatus

# Field factories for the links every records model repeats. Each builds exactly
# the field it replaces (same options, so the same migration state): the agency
# that owns a row, the staff member who did something to it, the thing filed.


def _agency_field(*, related_name: str, labelled: bool = True) -> models.ForeignKey:
    """The owning agency; never deleted while records point at it."""
    return models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan") if labelled else None,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _staff_field(
    *, verbose_name: str | Promise | None = None, optional: bool = True
) -> models.ForeignKey:
    """A staff member who acted on the row (no reverse accessor); a user with
    records behind them cannot be deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=optional,
        blank=optional,
        on_delete=models.PROTECT,
        related_name="+",
    )


def _filed_link(to: type[models.Model] | str) -> models.OneToOneField:
    """One kind of thing an e-file item holds: one-to-one, so a second filing
    of the same thing is refused by the database."""
    return models.OneToOneField(
        to,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="efile_item",
    )


class RetentionPeriod(models.Model):
    """Thời hạn bảo quản: one line of an agency's retention schedule."""

    audit_in_admin = True

    agency = _agency_field(related_name="retention_periods")
    name = models.CharField(_("tên thời hạn"), max_length=200)
    years = models.PositiveSmallIntegerField(
        _("số năm bảo quản"),
        null=True,
        blank=True,
        help_text=_("Để trống nghĩa là bảo quản vĩnh viễn."),
    )

    class Meta:
        ordering = ["agency", "years", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"],
                name="records_unique_retention_name",
                violation_error_message=_(
                    "Cơ quan đã có thời hạn bảo quản với tên này."
                ),
            )
        ]
        verbose_name = _("thời hạn bảo quản")
        verbose_name_plural = _("bảng thời hạn bảo quản")

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"

    @property
    def is_permanent(self) -> bool:
        return self.years is None

    @property
    def label(self) -> str:
        if self.years is None:
            return str(_("Vĩnh viễn"))
        return str(_("%(years)s năm") % {"years": self.years})


class CatalogueEntry(models.Model):
    """One line of an agency's yearly file catalogue (danh mục hồ sơ)."""

    audit_in_admin = True

    agency = _agency_field(related_name="catalogue_entries")
    year = models.PositiveSmallIntegerField(_("năm"))
    code = models.CharField(_("số và ký hiệu hồ sơ"), max_length=40)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    responsible_unit = models.CharField(
        _("đơn vị lập hồ sơ"), max_length=200, blank=True
    )
    responsible_person = _staff_field(verbose_name=_("người lập hồ sơ"))
    retention = models.ForeignKey(
        RetentionPeriod,
        verbose_name=_("thời hạn bảo quản"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency", "-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "code"],
                name="records_unique_catalogue_code",
                violation_error_message=_(
                    "Danh mục hồ sơ năm này của cơ quan đã có số, ký hiệu đó."
                ),
            )
        ]
        verbose_name = _("đề mục danh mục hồ sơ")
        verbose_name_plural = _("danh mục hồ sơ")

    def __str__(self) -> str:
        return f"{self.code} — {self.title} ({self.year})"

    def clean(self) -> None:
        mismatch = self.retention_id and self.agency_id
        if mismatch and self.retention.agency_id != self.agency_id:
            raise ValidationError(
                {
                    "retention": _(
                        "Thời hạn bảo quản phải thuộc bảng thời hạn của cơ quan."
                    )
                }
            )


class EFile(models.Model):
    """Hồ sơ công việc: opened against a catalogue entry, frozen when closed."""

    agency = _agency_field(related_name="+")
    entry = models.ForeignKey(
        CatalogueEntry,
        verbose_name=_("đề mục danh mục"),
        on_delete=models.PROTECT,
        related_name="efiles",
    )
    sequence = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(_("ký hiệu hồ sơ"), max_length=60)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=500)
    opened_on = models.DateField(_("ngày mở hồ sơ"))
    responsible = _staff_field(verbose_name=_("người lập hồ sơ"), optional=False)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=EFileStatus.choices,
        default=EFileStatus.OPEN,
    )
    opened_by = _staff_field()
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = _staff_field()
    document_count = models.PositiveIntegerField(_("số văn bản"), default=0)
    page_count = models.PositiveIntegerField(_("số trang"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "sequence"], name="records_unique_efile_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(status=EFileStatus.OPEN)
                | models.Q(closed_on__isnull=False),
                name="records_closed_efile_has_end_date",
            ),
        ]
        verbose_name = _("hồ sơ công việc")
        verbose_name_plural = _("hồ sơ công việc")

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == EFileStatus.CLOSED


def free_document_upload_to(instance: "FreeDocument", filename: str) -> str:
    return (
        f"records/{instance.agency.code}/{instance.sha256[:2]}/"
        f"{instance.sha256[:16]}-{filename}"
    )


class FreeDocument(models.Model):
    """A document uploaded straight into a file (meeting minutes, speeches):
    an immutable original with its SHA-256."""

    agency = _agency_field(related_name="+", labelled=False)
    kind = models.CharField(
        _("loại tài liệu"), max_length=10, choices=FreeDocumentKind.choices
    )
    title = models.CharField(_("tên tài liệu"), max_length=500)
    document_date = models.DateField(_("ngày tài liệu"), null=True, blank=True)
    author = models.CharField(_("tác giả"), max_length=200, blank=True)
    file = models.FileField(upload_to=free_document_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = _staff_field()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tài liệu trong hồ sơ")
        verbose_name_plural = _("tài liệu trong hồ sơ")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("A filed original is immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs) -> tuple[int, dict[str, int]]:
        raise PermissionError("A filed original cannot be deleted.")


# The link each kind of filed item uses; the other links stay empty.
ITEM_LINKS = {
    ItemKind.INCOMING: "incoming",
    ItemKind.OUTGOING: "outgoing",
    ItemKind.DOSSIER: "dossier",
    ItemKind.FREE: "free",
}


def _exactly_one_link() -> models.Q:
    return functools.reduce(
        operator.or_,
        (
            models.Q(
                kind=kind,
                **{f"{link}__isnull": link != own for link in ITEM_LINKS.values()},
            )
            for kind, own in ITEM_LINKS.items()
        ),
    )


class EFileItem(models.Model):
    """One thing filed in an e-file. The one-to-one links make the database
    refuse a second filing of the same document, dossier or free document."""

    efile = models.ForeignKey(EFile, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("loại"), max_length=10, choices=ItemKind.choices)
    incoming = _filed_link("incoming.IncomingDocument")
    outgoing = _filed_link("outgoing.OutgoingDocument")
    dossier = _filed_link("dossiers.Dossier")
    free = _filed_link(FreeDocument)
    filed_at = models.DateTimeField(auto_now_add=True)
    filed_by = _staff_field()

    class Meta:
        ordering = ["filed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_link(),
                name="records_item_links_one_thing",
            )
        ]
        verbose_name = _("văn bản trong hồ sơ")
        verbose_name_plural = _("văn bản trong hồ sơ")

    def __str__(self) -> str:
        return f"{self.efile.code}: {self.target}"

    @property
    def target(self) -> object:
        return {
            ItemKind.INCOMING: self.incoming,
            ItemKind.OUTGOING: self.outgoing,
            ItemKind.DOSSIER: self.dossier,
            ItemKind.FREE: self.free,
        }[self.kind]


def package_upload_to(instance: "ArchivePackage", filename: str) -> str:
    return f"archives/{instance.efile.agency.code}/{instance.efile_id}/{filename}"


class ArchivePackage(models.Model):
    """An archive package built in the background for download. Derived: it can
    be built again at any time from the closed file."""

    efile = models.ForeignKey(EFile, on_delete=models.PROTECT, related_name="packages")
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=PackageStatus.choices,
        default=PackageStatus.QUEUED,
    )
    requested_by = _staff_field()
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=package_upload_to, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    entries = models.PositiveIntegerField(default=0)
    pdfa_converted = models.PositiveIntegerField(default=0)
    pdfa_failed = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("gói lưu trữ")
        verbose_name_plural = _("gói lưu trữ")

    def __str__(self) -> str:
        return f"{self.efile.code} #{self.pk}"
