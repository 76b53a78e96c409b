from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    RUNNING = "running", _("Đang xử lý")
    DONE = "done", _("Hoàn tất")
    FAILED = "failed", _("Lỗi")


class BatchSource(models.TextChoices):
    UPLOAD = "upload", _("Tải lên tại quầy")
    HOT_FOLDER = "hot_folder", _("Thư mục máy quét")


class ReviewReason(models.TextChoices):
    """Why a page waits for a person. The pipeline decides and reports the same
    values (pipeline.results.REVIEW_*; kept apart so that importing these choices
    does not load OpenCV)."""

    BEFORE_COVER = "before_cover", _("Trang trước tờ bìa đầu tiên")
    UNREADABLE_SHEET = "unreadable_sheet", _("Tờ mã QR không đọc được")
    LOW_CONFIDENCE = "low_confidence", _("Nhận dạng chữ (OCR) độ tin cậy thấp")
    UNMATCHED = "unmatched", _("Không khớp hồ sơ")
    DARK_PAGE = "dark_page", _("Trang tối đen, không đọc được: cần quét lại")
    PHOTO_NO_PAGE = (
        "photo_no_page",
        _("Ảnh chụp không thấy trang giấy: cần chụp hoặc quét lại"),
    )


class ReviewState(models.TextChoices):
    NONE = "", _("Không cần xem lại")
    PENDING = "pending", _("Chờ xem lại")
    ASSIGNED = "assigned", _("Đã gán vào hồ sơ")
    DISCARDED = "discarded", _("Đã loại bỏ")


# The lease kind of a scan batch run (backoffice.core.leases).
SCAN_JOB = "scan_batch"


class PhotoOutcome(models.TextChoices):
    """What became of a photo uploaded to a dossier (scanning.photos)."""

    FLATTENED = "flattened", _("Đã làm phẳng thành trang PDF tìm kiếm được")
    NO_PAGE = "no_page", _("Không thấy trang giấy trong ảnh")
    DARK = "dark", _("Ảnh tối đen")
    DUPLICATE = "duplicate", _("Trùng với ảnh đã nộp")
    UNREADABLE = "unreadable", _("Không đọc được ảnh")
