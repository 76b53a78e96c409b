import datetime as dt
import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import ROLE_PERMISSIONS, AgencyLevel, CalendarDayKind, Role
from .validators import validate_agency_code


class Agency(models.Model):
    """Cơ quan/đơn vị: a node of the province → department/commune tree.

    A merged unit keeps its code and points to its successor (`superseded_by`).
    """

    audit_in_admin = True

    code = models.CharField(
        _("mã định danh"), max_length=35, unique=True, validators=[validate_agency_code]
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    level = models.CharField(
        _("cấp"), max_length=20, choices=AgencyLevel.choices, default=AgencyLevel.OTHER
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("được thay thế bởi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        help_text=_("Đơn vị mới sau khi sáp nhập, hợp nhất."),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        node, seen = self.parent, set()
        while node is not None and self.pk:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError(
                    {
                        "parent": _(
                            "Cơ quan cấp trên không được là chính nó "
                            "hoặc cấp dưới của nó."
                        )
                    }
                )
            seen.add(node.pk)
            node = node.parent
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            raise ValidationError(
                {"superseded_by": _("Một cơ quan không thể thay thế chính nó.")}
            )

    def ancestors(self) -> list["Agency"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def current(self) -> "Agency":
        """Follow `superseded_by` to the unit that exists today."""
        node, seen = self, {self.pk}
        while node.superseded_by_id and node.superseded_by_id not in seen:
            seen.add(node.superseded_by_id)
            node = node.superseded_by
        return node


class Membership(models.Model):
    """Staff membership: user × agency × role (cán bộ thuộc cơ quan với vai trò)."""

    audit_in_admin = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="unique_membership"
            )
        ]
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency.code}"

    @property
    def permissions(self) -> frozenset[str]:
        return ROLE_PERMISSIONS.get(self.role, frozenset())


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditLogEntry(models.Model):
    """Nhật ký: an append-only record of who did what to which object, and when.

    The application can only insert: `save()` refuses updates, `delete()` refuses,
    the queryset refuses bulk changes, and database triggers (migration 0002) refuse
    UPDATE and DELETE underneath the ORM.

    Against whoever can drop those triggers, the entries form a hash chain in id
    order: each stores the SHA-256 of its own canonical content together with the
    previous entry's hash (`audit_record` writes it under a lock), so an edited,
    deleted or inserted row breaks the chain and `manage.py audit_verify` names it.
    """

    GENESIS_HASH: ClassVar[str] = "0" * 64
    # What the hash covers: every column but the id and the two hashes.
    HASHED_FIELDS: ClassVar[tuple[str, ...]] = (
        "action",
        "actor_id",
        "actor_repr",
        "after",
        "agency_code",
        "at",
        "before",
        "note",
        "object_id",
        "object_repr",
        "object_type",
    )

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_repr = models.CharField(_("người thực hiện (tên)"), max_length=200)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, db_index=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255)
    agency_code = models.CharField(_("cơ quan"), max_length=35, blank=True)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    prev_hash = models.CharField(
        _("mã băm bản ghi trước"), max_length=64, default="", editable=False
    )
    entry_hash = models.CharField(
        _("mã băm"), max_length=64, default="", editable=False
    )

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("bản ghi nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    @classmethod
    def chain_hash(cls, row: Any, *, prev_hash: str) -> str:
        """SHA-256 of `row`'s canonical content and the previous entry's hash.

        `row` is anything with the `HASHED_FIELDS` as attributes (an entry, or a
        migration's historical model). The content is taken as the database gives
        it back: JSON as stored, the moment in UTC to the microsecond.
        """
        content: dict[str, Any] = {}
        for name in cls.HASHED_FIELDS:
            value = getattr(row, name)
            if name == "at":
                value = value.astimezone(dt.UTC).isoformat(timespec="microseconds")
            elif name in ("before", "after"):
                value = cls._canonical_json(value)
            content[name] = value
        content["prev_hash"] = prev_hash
        blob = json.dumps(
            content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    @staticmethod
    def _canonical_json(value: Any) -> Any:
        """A JSON value as either database returns it: PostgreSQL's jsonb may give
        a whole float (1e20, 2.0) back as an integer, so whole floats count as
        integers."""
        if value is None:
            return None

        def walk(item: Any) -> Any:
            if isinstance(item, dict):
                return {key: walk(inner) for key, inner in item.items()}
            if isinstance(item, list):
                return [walk(inner) for inner in item]
            if isinstance(item, float) and item.is_integer():
                return int(item)
            return item

        return walk(json.loads(json.dumps(value)))


class CalendarDay(models.Model):
    """An exception to the working calendar entered by an administrator.

    Public holidays come from the `holidays` package; these rows add days off
    (e.g. a provincial decision) or make-up working days (e.g. a Saturday worked in
    exchange for a bridge day). An agency-less row applies to every agency.
    """

    audit_in_admin = True

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField(_("lý do"), max_length=200)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("chỉ áp dụng cho cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_days",
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "agency"], name="unique_calendar_day_per_agency"
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(agency__isnull=True),
                name="unique_calendar_day_all_agencies",
            ),
        ]
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("lịch nghỉ và làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}: {self.name}"


class OutboxMessage(models.Model):
    """A Celery task call recorded in the same transaction as the write it follows.

    The transactional outbox: whatever the broker does, the follow-up work of a
    committed write is on disk. It is sent right after commit and, if the broker was
    unreachable then, by the `drain_outbox` beat task once it is back (tasks are
    idempotent, so a message sent twice does no harm).
    """

    task = models.CharField(_("tác vụ"), max_length=200)
    args = models.JSONField(_("tham số"), default=list, blank=True)
    kwargs = models.JSONField(_("tham số có tên"), default=dict, blank=True)
    options = models.JSONField(_("tùy chọn gửi"), default=dict, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần gửi lỗi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("tác vụ chờ gửi")
        verbose_name_plural = _("tác vụ chờ gửi")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="core_outbox_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class JobLease(models.Model):
    """A long job's lease: who runs it and until when (scan batches, receipts…).

    The worker running the job renews it as the work progresses; a lease that
    expires means its worker died, and the `reap_leases` beat task queues the job
    again — a bounded number of times, then marks it failed with the reason, where
    staff can run it again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang chạy")
        DONE = "done", _("xong")
        FAILED = "failed", _("thất bại")

    kind = models.CharField(_("loại việc"), max_length=50)
    object_id = models.PositiveBigIntegerField(_("mã đối tượng"))
    task = models.CharField(_("tác vụ"), max_length=200)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    holder = models.CharField(_("tiến trình giữ"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("số lần chạy"), default=0)
    requeues = models.PositiveIntegerField(_("số lần tự chạy lại"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("phiên xử lý nền")
        verbose_name_plural = _("phiên xử lý nền")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="one_lease_per_job"
            )
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="core_lease_due")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.state})"


class RegisterCounter(models.Model):
    """Last number given in one register book (agency, register, year, series).

    Incremented only through `backoffice.core.numbering.register_number_next`.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    register = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=32, blank=True, default="")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "register", "year", "series"],
                name="unique_register_counter",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.agency_id} {self.register} {self.year}/{self.series} #{self.last}"
        )


class IntegrityCheck(models.Model):
    """One run of the originals' integrity check (`manage.py integrity_check`, beat).

    Kept, with every problem found, so that a mismatch is never only a log line.
    """

    started_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    checked = models.PositiveIntegerField(_("số tệp đã kiểm tra"), default=0)
    bytes_read = models.PositiveBigIntegerField(_("dung lượng đã đọc"), default=0)
    problems = models.JSONField(_("sai lệch"), default=list, blank=True)

    class Meta:
        verbose_name = _("lần kiểm tra toàn vẹn")
        verbose_name_plural = _("kiểm tra toàn vẹn tệp gốc")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({len(self.problems)})"

    @property
    def ok(self) -> bool:
        return self.finished_at is not None and not self.problems
