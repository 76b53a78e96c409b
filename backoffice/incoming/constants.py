"""Choices and fixed values of incoming documents (văn bản đến)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.documents.constants import Confidentiality, DocumentType, Urgency
from backoffice.signatures.constants import VerdictKind

__all__ = [
    "Confidentiality",
    "DocumentType",
    "IncomingEventKind",
    "IncomingStatus",
    "Urgency",
    "Via",
    "VerdictKind",
]

REGISTER = "incoming"  # the book's name in core.numbering and core.registers
CHECK_JOB = "incoming-check"  # lease kind of the signature/text check
MAILBOX_POLL_JOB = "incoming-mailbox"


class Via(models.TextChoices):
    """How a document arrived (kênh nhận)."""

    UPLOAD = "upload", _("Nhận trực tiếp, tải lên tại bàn văn thư")
    EMAIL = "email", _("Thư điện tử công vụ")
    INTERNAL = "internal", _("Cơ quan khác trong hệ thống gửi")
    EDXML = "edxml", _("Gói tin liên thông (edXML)")


class IncomingStatus(models.TextChoices):
    """Where an incoming document stands."""

    RECEIVED = "received", _("Chờ vào sổ")
    REGISTERED = "registered", _("Đã vào sổ, chờ lãnh đạo phân công")
    REFUSED = "refused", _("Đã từ chối tiếp nhận")
    ASSIGNED = "assigned", _("Đã phân công xử lý")
    PROCESSING = "processing", _("Đang xử lý")
    DONE = "done", _("Đã xử lý xong")


# Allowed moves (model `transition_to` refuses the others).
TRANSITIONS: dict[str, frozenset[str]] = {
    IncomingStatus.RECEIVED: frozenset(
        {IncomingStatus.REGISTERED, IncomingStatus.REFUSED}
    ),
    IncomingStatus.REGISTERED: frozenset({IncomingStatus.ASSIGNED}),
    IncomingStatus.ASSIGNED: frozenset(
        {IncomingStatus.ASSIGNED, IncomingStatus.PROCESSING, IncomingStatus.DONE}
    ),
    IncomingStatus.PROCESSING: frozenset(
        {IncomingStatus.ASSIGNED, IncomingStatus.DONE}
    ),
    IncomingStatus.REFUSED: frozenset(),
    IncomingStatus.DONE: frozenset(),
}


class IncomingEventKind(models.TextChoices):
    """What channels are told about (notify.py)."""

    RECEIVED = "received", _("Đã nhận")
    REGISTERED = "registered", _("Đã vào sổ")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    ASSIGNED = "assigned", _("Đã phân công")
    PROCESSING = "processing", _("Đang xử lý")
    DONE = "done", _("Đã xử lý xong")
    OVERRIDDEN = "overridden", _("Vào sổ dù chữ ký không hợp lệ")
    OVERDUE = "overdue", _("Quá hạn xử lý")


# Events channels hear about (the rest are kept for the history only).
NOTIFIED_EVENTS = frozenset(
    {
        IncomingEventKind.RECEIVED,
        IncomingEventKind.REGISTERED,
        IncomingEventKind.REFUSED,
        IncomingEventKind.ASSIGNED,
        IncomingEventKind.PROCESSING,
        IncomingEventKind.DONE,
    }
)

SECRET_MARKINGS = frozenset(
    {Confidentiality.MAT, Confidentiality.TOI_MAT, Confidentiality.TUYET_MAT}
)

# Metadata keys `incoming_receive` accepts to pre-fill the registration form.
METADATA_FIELDS = (
    "issuer_name",
    "issuer_code",
    "number_symbol",
    "issued_on",
    "document_type",
    "field",
    "subject",
    "urgency",
    "confidentiality",
    "signer_name",
    "signer_position",
    "page_count",
    "deadline",
    "storage_location",
    "notes",
)
