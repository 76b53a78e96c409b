"""The daily snapshot behind the portal's public statistics (thống kê công khai)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import Agency
from backoffice.procedures.models import Procedure


class StatisticsSnapshot(models.Model):
    """One refresh: the window it covers and when it was made. Only the newest is
    shown; older ones are deleted by the refresh that replaces them."""

    refreshed_at = models.DateTimeField(_("cập nhật lúc"), db_index=True)
    since = models.DateTimeField(_("từ"))
    until = models.DateTimeField(_("đến"))

    class Meta:
        ordering = ["-refreshed_at", "-id"]
        verbose_name = _("số liệu thống kê công khai")
        verbose_name_plural = _("số liệu thống kê công khai")

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


class StatisticsRow(models.Model):
    """Figures of one agency and procedure in a snapshot (see reports.figures)."""

    snapshot = models.ForeignKey(
        StatisticsSnapshot, on_delete=models.CASCADE, related_name="rows"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(_("tiếp nhận"), default=0)
    on_time = models.PositiveIntegerField(_("đúng hạn"), default=0)
    late = models.PositiveIntegerField(_("trễ hạn"), default=0)
    in_progress = models.PositiveIntegerField(_("đang giải quyết trong hạn"), default=0)
    excluded = models.PositiveIntegerField(_("không tính"), default=0)
    ratings = models.PositiveIntegerField(_("lượt đánh giá"), default=0)
    rating_avg = models.FloatField(_("mức hài lòng trung bình"), default=0)

    class Meta:
        ordering = ["snapshot", "agency", "procedure"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "agency", "procedure"],
                name="unique_statistics_row",
            )
        ]

    def __str__(self) -> str:
        return f"{self.snapshot_id} {self.agency_id}/{self.procedure_id}"
