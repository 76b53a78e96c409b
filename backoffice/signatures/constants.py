"""Choices and fixed texts of the digital-signature capability (chữ ký số)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    """Role of a certificate in the trust store: anchor or chain helper."""

    ROOT = "root", _("Chứng thư gốc (tin cậy)")
    INTERMEDIATE = "intermediate", _("Chứng thư trung gian")


class VerdictKind(models.TextChoices):
    """Outcome of a signature check, as in DESIGN.md §5 (`verify_pdf`)."""

    VALID = "valid", _("Hợp lệ")
    UNTRUSTED = "untrusted", _("Không được tin cậy")
    INVALID = "invalid", _("Không hợp lệ")
    UNSIGNED = "unsigned", _("Chưa ký số")


class Reason:
    """Short Vietnamese explanations attached to each signature of a verdict.

    Plain strings on purpose: they are stored and printed as JSON, so they must
    not depend on the active language.
    """

    OK = "Chữ ký hợp lệ"
    CONTENT_CHANGED = "Tài liệu đã bị thay đổi sau khi ký"
    MODIFIED_AFTER_SIGNING = "Nội dung tài liệu đã bị sửa đổi sau khi ký"
    SIGNATURE_MISMATCH = "Giá trị chữ ký không khớp với chứng thư số"
    SIGNATURE_UNREADABLE = "Không đọc được dữ liệu chữ ký (chữ ký bị hỏng)"
    NOT_COVERED = "Chữ ký không bao phủ toàn bộ tài liệu"
    UNTRUSTED = "Chứng thư số không được tin cậy"
    EXPIRED = "Chứng thư số đã hết hạn tại thời điểm ký"
    NOT_YET_VALID = "Chứng thư số chưa có hiệu lực tại thời điểm ký"
    REVOKED = "Chứng thư số đã bị thu hồi"
    CHAIN_INVALID = "Chuỗi chứng thư số không hợp lệ"
    TIMESTAMP_INVALID = "Dấu thời gian của chữ ký không hợp lệ"
    TIMESTAMP_UNTRUSTED = "Dấu thời gian của chữ ký không được tin cậy"
    POLICY_VIOLATED = "Thay đổi sau khi ký vượt quá quyền cho phép của chữ ký"


DEMO_ROOT_NAME = "Demo Root CA — UBND tỉnh Sóc Trăng"
DEMO_AGENCY_NAME = "Sở Thông tin và Truyền thông tỉnh Sóc Trăng"
DEMO_ORGANIZATION = "UBND tỉnh Sóc Trăng"
