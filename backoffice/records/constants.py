from django.db import models
from django.utils.translation import gettext_lazy as _


class EFileStatus(models.TextChoices):
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã đóng")


class ItemKind(models.TextChoices):
    """What sits in an e-file (hồ sơ công việc)."""

    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")
    DOSSIER = "dossier", _("Hồ sơ thủ tục hành chính")
    FREE = "free", _("Tài liệu khác")


class FreeDocumentKind(models.TextChoices):
    """Documents a piece of work produces besides registered ones (Art. 15.3)."""

    MINUTES = "minutes", _("Biên bản họp")
    SPEECH = "speech", _("Bài phát biểu")
    REPORT = "report", _("Báo cáo, tờ trình nội bộ")
    OTHER = "other", _("Tài liệu khác")


# Free documents a clerk may upload into a file (originals, kept unchanged).
FREE_DOCUMENT_MEDIA_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    ".odt": "application/vnd.oasis.opendocument.text",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".mp3": "audio/mpeg",
}


class PackageStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ tạo")
    BUILDING = "building", _("Đang tạo")
    READY = "ready", _("Sẵn sàng tải về")
    FAILED = "failed", _("Không tạo được")


# A package still "queued"/"building" after this long is taken as abandoned (its
# worker died): a new request makes a new one.
PACKAGE_STALE_SECONDS = 3600
