import re

from django.db import models
from django.utils.translation import gettext_lazy as _

# National database of administrative procedures: one digit, a dot, six digits.
PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}$")

ACCEPTED_FORMATS = ("pdf", "jpg", "png", "tiff", "docx", "doc", "odt")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class CopyForm(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    CERTIFIED_COPY = "certified_copy", _("Bản sao có chứng thực")
    ORIGINAL_OR_COPY = "original_or_copy", _("Bản chính hoặc bản sao")


class SubmissionChannel(models.TextChoices):
    """Cách thức thực hiện: where the applicant may hand in a dossier."""

    COUNTER = "counter", _("Trực tiếp tại Bộ phận Một cửa")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Qua dịch vụ bưu chính")


class ApplicantType(models.TextChoices):
    """Đối tượng thực hiện: who may apply."""

    CITIZEN = "citizen", _("Công dân")
    ORGANISATION = "organisation", _("Tổ chức")
    BUSINESS = "business", _("Doanh nghiệp")
