"""Choices of the exchange records (gói tin liên thông)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    OUT = "out", _("Gửi đi")
    IN = "in", _("Nhận về")


class PacketKind(models.TextChoices):
    DOCUMENT = "document", _("Gói tin văn bản")
    STATUS = "status", _("Gói tin trạng thái")


class PacketState(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    RECEIVED = "received", _("Đã nhận")
    REFUSED = "refused", _("Đã từ chối")


class RecallState(models.TextChoices):
    REQUESTED = "requested", _("Bên gửi xin thu hồi, chờ quyết định")
    AGREED = "agreed", _("Đồng ý thu hồi: văn bản đã bị thu hồi")
    REFUSED = "refused", _("Từ chối thu hồi")


STATUS_LABELS = {
    "01": _("Đã đến"),
    "02": _("Từ chối tiếp nhận"),
    "03": _("Đã vào sổ"),
    "04": _("Lãnh đạo đã phân công"),
    "05": _("Đang xử lý"),
    "06": _("Đã xử lý xong"),
    "13": _("Đã nhận yêu cầu thu hồi"),
    "15": _("Đồng ý thu hồi/cập nhật"),
    "16": _("Từ chối thu hồi/cập nhật"),
}

# The incoming desk's events (backoffice/incoming/notify.py) → status codes.
EVENT_STATUS = {
    "received": "01",
    "refused": "02",
    "registered": "03",
    "assigned": "04",
    "processing": "05",
    "done": "06",
}
