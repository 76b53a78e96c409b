from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.IntegerChoices):
    """National status set used to sync with the national portal (DOMAIN.md)."""

    NEW = 1, _("Mới tiếp nhận")
    ACCEPTED = 2, _("Đã tiếp nhận")
    NOT_ACCEPTED = 3, _("Không tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung")
    AWAITING_FEE = 6, _("Chờ nộp phí, lệ phí")
    WITHDRAWN = 7, _("Công dân rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    DONE = 9, _("Đã có kết quả")
    RESULT_RETURNED = 10, _("Đã trả kết quả")


S = DossierStatus

# Allowed moves (django-oscar style): anything else is refused by the service.
TRANSITIONS: dict[int, frozenset[int]] = {
    S.NEW: frozenset({S.ACCEPTED, S.NOT_ACCEPTED, S.SUPPLEMENT_REQUESTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset(
        {S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.WITHDRAWN, S.STOPPED, S.DONE}
    ),
    S.PROCESSING: frozenset(
        {S.SUPPLEMENT_REQUESTED, S.AWAITING_FEE, S.WITHDRAWN, S.STOPPED, S.DONE}
    ),
    S.SUPPLEMENT_REQUESTED: frozenset(
        {S.NEW, S.ACCEPTED, S.PROCESSING, S.WITHDRAWN, S.STOPPED}
    ),
    S.AWAITING_FEE: frozenset({S.PROCESSING, S.DONE, S.WITHDRAWN, S.STOPPED}),
    S.DONE: frozenset({S.RESULT_RETURNED}),
    S.NOT_ACCEPTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
    S.RESULT_RETURNED: frozenset(),
}

# While the applicant is asked for more, the statutory clock stops.
CLOCK_STOPPED = frozenset({S.SUPPLEMENT_REQUESTED, S.AWAITING_FEE})
FINAL = frozenset({S.NOT_ACCEPTED, S.WITHDRAWN, S.STOPPED, S.RESULT_RETURNED})


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại Bộ phận Một cửa")
    POST = "post", _("Dịch vụ bưu chính")


class ResultDelivery(models.TextChoices):
    DESK = "desk", _("Nhận tại Bộ phận Một cửa")
    POST = "post", _("Qua dịch vụ bưu chính")
    ONLINE = "online", _("Nhận bản điện tử trực tuyến")


# The lease kind of the receipt job (backoffice.core.leases).
RECEIPT_JOB = "dossier_receipt"
