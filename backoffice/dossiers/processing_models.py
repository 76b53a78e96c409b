"""Processing after intake: the procedure's steps, a dossier's step records,
proposals awaiting a leader, suspensions (form 04) and overdue notices.

Imported at the end of `models.py`, so every class is also
`backoffice.dossiers.models.<Name>`.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Orderable

from modelcluster.fields import ParentalKey

from backoffice.core.constants import Role
from backoffice.core.models import Agency
from backoffice.procedures.models import Procedure

from .models import Dossier, DossierFile


class StepRole(models.TextChoices):
    """Who works a step: a specialist (chuyên viên) or a leader (lãnh đạo)."""

    SPECIALIST = Role.SPECIALIST.value, Role.SPECIALIST.label
    LEADER = Role.LEADER.value, Role.LEADER.label


class ProcessStep(Orderable):
    """Bước xử lý: one step of a procedure's process, in order.

    No agency means the agency that received the dossier. The working days of all
    steps add up to the procedure's processing time (checked in the admin form and
    by `process.procedure_steps_check`).
    """

    procedure = ParentalKey(
        Procedure, on_delete=models.CASCADE, related_name="processing_steps"
    )
    name = models.CharField(_("tên bước"), max_length=200)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan thực hiện bước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống: cơ quan tiếp nhận hồ sơ."),
    )
    role = models.CharField(
        _("vai trò xử lý"),
        max_length=20,
        choices=StepRole.choices,
        default=StepRole.SPECIALIST,
    )
    days = models.PositiveSmallIntegerField(
        _("số ngày làm việc"), validators=[MaxValueValidator(365)]
    )
    default_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mặc định giao cho"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Quy tắc phân công: Bộ phận tiếp nhận giao hồ sơ cho cán bộ này "
            "mà không cần lãnh đạo phân công."
        ),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình xử lý")

    def __str__(self) -> str:
        return f"{self.procedure_id}#{self.sort_order}: {self.name}"


class DossierStep(models.Model):
    """One step of one dossier's processing: who holds it, since when, until when."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Chưa đến lượt")
        ACTIVE = "active", _("Đang xử lý")
        DONE = "done", _("Đã xong")

    class Kind(models.TextChoices):
        PROCESS = "process", _("Theo quy trình")
        TRANSFER = "transfer", _("Chuyển liên thông")
        RETURN = "return", _("Nhận lại sau liên thông")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=StepRole.choices)
    days = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROCESS)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.WAITING
    )
    default_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "position"], name="unique_dossier_step_position"
            ),
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(state="active"),
                name="one_active_step_per_dossier",
            ),
        ]
        indexes = [models.Index(fields=["agency", "state"])]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.position} {self.agency_id} {self.state}"


class DossierProposal(models.Model):
    """Tờ trình: the assignee's proposed outcome of a step, for the leader.

    `forward` ends a step that is not the last one; `approve` (with result files)
    and `refuse` (with a reason) are the decision on the dossier at its last step.
    """

    class Outcome(models.TextChoices):
        FORWARD = "forward", _("Hoàn thành bước, chuyển bước tiếp theo")
        APPROVE = "approve", _("Đề nghị giải quyết (có tệp kết quả)")
        REFUSE = "refuse", _("Đề nghị từ chối giải quyết (nêu lý do)")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Chờ lãnh đạo duyệt")
        APPROVED = "approved", _("Đã duyệt")
        RETURNED = "returned", _("Trả lại chuyên viên")

    step = models.ForeignKey(
        DossierStep, on_delete=models.PROTECT, related_name="proposals"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    note = models.TextField(blank=True)
    files = models.ManyToManyField(DossierFile, blank=True, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["step"],
                condition=models.Q(decision="pending"),
                name="one_pending_proposal_per_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.step_id}: {self.outcome} ({self.decision})"


class DossierSuspension(models.Model):
    """Form 04: an apology and a new appointment, extending the due date."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="suspensions"
    )
    reason = models.TextField()
    working_days = models.PositiveSmallIntegerField()
    due_before = models.DateTimeField()
    due_after = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: +{self.working_days}"


class DossierOverdueNotice(models.Model):
    """That an overdue dossier was flagged (and its people told) on a given day."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="overdue_notices"
    )
    day = models.DateField()
    due_at = models.DateTimeField()
    recipients = models.JSONField(default=list)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "day"], name="one_overdue_notice_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.day}"


class DossierRemoteTransfer(models.Model):
    """Liên thông sang hệ thống khác: a transfer step whose agency is reached
    through another installation (the exchange's edXML channel), what that
    installation reported back (its state) and its result."""

    class State(models.TextChoices):
        SENDING = "sending", _("Đang gửi sang hệ thống khác")
        ARRIVED = "arrived", _("Hệ thống khác đã nhận")
        REGISTERED = "registered", _("Hệ thống khác đã tiếp nhận")
        PROCESSING = "processing", _("Hệ thống khác đang xử lý")
        DONE = "done", _("Hệ thống khác đã xử lý xong")
        RETURNED = "returned", _("Đã nhận lại kết quả")
        REFUSED = "refused", _("Hệ thống khác từ chối tiếp nhận")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="remote_transfers"
    )
    step = models.OneToOneField(
        DossierStep, on_delete=models.PROTECT, related_name="remote_transfer"
    )
    system = models.CharField(_("hệ thống nhận"), max_length=200)
    document_id = models.CharField(max_length=255, unique=True)
    state = models.CharField(max_length=10, choices=State.choices)
    remote_code = models.CharField(_("mã hồ sơ tại hệ thống khác"), max_length=64)
    reason = models.TextField(_("lý do từ chối"), blank=True)
    events = models.JSONField(default=list)
    result_note = models.TextField(blank=True)
    result_by = models.CharField(max_length=200, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.system} ({self.state})"

    @property
    def open(self) -> bool:
        return self.state not in (self.State.RETURNED, self.State.REFUSED)

    @property
    def history(self) -> list[dict[str, Any]]:
        """What the other installation reported, oldest first, for people."""
        labels = {
            "arrived": self.State.ARRIVED.label,
            "registered": self.State.REGISTERED.label,
            "assigned": self.State.PROCESSING.label,
            "processing": self.State.PROCESSING.label,
            "done": self.State.DONE.label,
            "refused": self.State.REFUSED.label,
            "returned": self.State.RETURNED.label,
        }
        rows = []
        for item in self.events:
            try:
                at = dt.datetime.fromisoformat(str(item.get("at")))
            except ValueError:
                at = None
            rows.append(
                {
                    "label": labels.get(item.get("event"), item.get("event")),
                    "at": at,
                    "description": item.get("description") or "",
                }
            )
        return rows


class DossierRemoteOrigin(models.Model):
    """A dossier received from another installation for one transfer step:
    where it came from (peer, agency, its code there) and whether the result
    has gone back."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="remote_origins"
    )
    peer_id = models.PositiveIntegerField()
    system = models.CharField(max_length=200)
    origin_agency_code = models.CharField(max_length=35)
    origin_agency_name = models.CharField(max_length=255, blank=True)
    origin_code = models.CharField(_("mã hồ sơ gốc"), max_length=64)
    document_id = models.CharField(max_length=255, unique=True)
    note = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier"], name="one_remote_origin"),
            models.UniqueConstraint(
                fields=["origin_agency_code", "origin_code"],
                condition=models.Q(returned_at__isnull=True),
                name="one_open_remote_origin_per_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin_code} ← {self.system}"
