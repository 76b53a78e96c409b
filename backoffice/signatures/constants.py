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


class SigningKeyKind(models.TextChoices):
    """Where a signing key lives: a PKCS#12 file, or a PKCS#11 device (USB token,
    HSM) reached through its module, token label and key label."""

    PKCS12 = "pkcs12", _("Tệp PKCS#12 (.p12/.pfx)")
    PKCS11 = "pkcs11", _("Thiết bị ký số PKCS#11 (token/HSM)")


class RevocationStatus(models.TextChoices):
    """Revocation state of a signing certificate (`verify_pdf` key "revocation")."""

    GOOD = "good", _("Chưa bị thu hồi")
    REVOKED = "revoked", _("Đã bị thu hồi")
    NOT_CHECKED = "not_checked", _("Chưa kiểm tra được tình trạng thu hồi")


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


class RevocationNote:
    """Why a signature's revocation state is what it is ("revocation_detail").

    Plain strings for the same reason as `Reason`; `{placeholders}` are filled with
    str.format.
    """

    GOOD = "Đã đối chiếu CRL/OCSP: chứng thư số chưa bị thu hồi tại thời điểm ký"
    REVOKED = "Chứng thư số đã bị thu hồi từ {date} (lý do: {reason})"
    NO_DATA = (
        "Chưa kiểm tra thu hồi: không có danh sách thu hồi (CRL) hay phản hồi OCSP "
        "cho chứng thư này"
    )
    FETCH_FAILED = (
        "Chưa kiểm tra thu hồi: không tải được CRL/OCSP từ {urls} "
        "(mạng không truy cập được hoặc máy chủ không trả lời)"
    )
    UNUSABLE = (
        "Chưa kiểm tra thu hồi: CRL/OCSP hiện có không dùng được "
        "(đã hết hạn hoặc không do tổ chức cấp chứng thư ký)"
    )
    CHAIN_FAILED = (
        "Chưa kiểm tra thu hồi: chứng thư số hoặc chuỗi chứng thư không hợp lệ "
        "hay không được tin cậy"
    )
    UNREADABLE = "Chưa kiểm tra thu hồi: không đọc được chữ ký"


DEMO_ROOT_NAME = "Demo Root CA — UBND tỉnh Sóc Trăng"
DEMO_AGENCY_NAME = "Sở Thông tin và Truyền thông tỉnh Sóc Trăng"
DEMO_ORGANIZATION = "UBND tỉnh Sóc Trăng"
