"""Choices and fixed tables of outgoing documents (văn bản đi, Art. 11)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.documents.constants import DocumentType

# The register book and the numbering register (core.numbering) of this app.
REGISTER = "outgoing"
# Numbering series inside the book: ordinary documents share one; documents
# carrying a secrecy mark have their own (Decree 30/2020, DOMAIN.md).
SERIES_ORDINARY = ""
SERIES_CLASSIFIED = "mat"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ATTACHMENTS = 20
# Lease kind (core.leases) of the signing job of a release.
RELEASE_JOB = "outgoing-release"


class OutgoingStatus(models.TextChoices):
    """Where an outgoing document stands."""

    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Chờ lãnh đạo duyệt")
    RETURNED = "returned", _("Bị trả lại để sửa")
    APPROVED = "approved", _("Đã duyệt, chờ phát hành")
    SIGNING = "signing", _("Đang ký số")
    RELEASED = "released", _("Đã phát hành")
    CANCELLED = "cancelled", _("Đã hủy")


S = OutgoingStatus
# The moves each status allows (enforced by OutgoingDocument.transition_to).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.RETURNED, S.CANCELLED}),
    S.RETURNED: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.SIGNING, S.RELEASED, S.RETURNED, S.CANCELLED}),
    # Signing runs in the worker (release.py): it ends released, or approved again
    # with the reason when the signer refused.
    S.SIGNING: frozenset({S.RELEASED, S.APPROVED}),
    # A released document keeps its number; cancelling it is a recall (thu hồi).
    S.RELEASED: frozenset({S.CANCELLED}),
    S.CANCELLED: frozenset(),
}
EDITABLE = frozenset({S.DRAFT, S.RETURNED})


class FileRole(models.TextChoices):
    MAIN = "main", _("Tệp văn bản chính")
    ATTACHMENT = "attachment", _("Phụ lục, tài liệu kèm theo")


class FileKind(models.TextChoices):
    DRAFT = "draft", _("Bản dự thảo")
    SIGNED = "signed", _("Bản đã ký số")


class Channel(models.TextChoices):
    """How one recipient is reached: one dispatch interface, one adapter each."""

    INTERNAL = "internal", _("Cơ quan trong hệ thống (vào bàn văn thư)")
    EMAIL = "email", _("Thư điện tử công vụ")
    EDXML = "edxml", _("Liên thông edXML")
    PAPER = "paper", _("Chỉ gửi bản giấy")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    ACKNOWLEDGED = "acknowledged", _("Đã nhận, vào sổ")
    REFUSED = "refused", _("Bị từ chối")
    FAILED = "failed", _("Gửi lỗi")


class EventKind(models.TextChoices):
    CREATED = "created", _("Tạo dự thảo")
    UPDATED = "updated", _("Sửa dự thảo")
    SUBMITTED = "submitted", _("Trình lãnh đạo")
    APPROVED = "approved", _("Lãnh đạo duyệt")
    RETURNED = "returned", _("Lãnh đạo trả lại")
    RELEASE_REQUESTED = "release_requested", _("Yêu cầu cấp số, ký số")
    RELEASED = "released", _("Cấp số, ký số và phát hành")
    RELEASE_FAILED = "release_failed", _("Phát hành không thành công")
    CANCELLED = "cancelled", _("Hủy, thu hồi")
    DISPATCHED = "dispatched", _("Gửi văn bản")
    PUBLISHED = "published", _("Đăng lên Cổng thông tin")
    PAPER_OVERRIDDEN = "paper_overridden", _("Điều chỉnh yêu cầu gửi bản giấy")


class PaperReason(models.TextChoices):
    """Why a paper copy must also go (Art. 9) — or why not."""

    NONE = "", _("Không cần gửi bản giấy: văn bản điện tử đã ký số thay bản giấy")
    INDIVIDUAL_DECISION = (
        "individual_decision",
        _("Quyết định cá biệt: nơi nhận phải lưu bản giấy (Điều 9)"),
    )
    KEEP_ON_PAPER = (
        "keep_on_paper",
        _("Loại văn bản nơi nhận phải lưu bản giấy (Điều 9)"),
    )
    NO_ELECTRONIC_ROUTE = "no_route", _("Có nơi nhận không nhận được văn bản điện tử")


# Art. 9.1 types that go on paper too unless digitally signed: every released
# document here is signed, so they need no paper copy on that ground. The
# exceptions the receiver must keep on paper are decided per document
# (`keep_on_paper`) or, for individual decisions, from the type.
ART_9_TYPES: frozenset[str] = frozenset(
    {
        DocumentType.CHI_THI,
        DocumentType.QUYET_DINH,
        DocumentType.TO_TRINH,
        DocumentType.DE_AN,
        DocumentType.DU_AN,
    }
)
