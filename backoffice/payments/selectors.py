"""Fee reads for the dossier pages."""

from django.db.models import QuerySet

from backoffice.dossiers.models import Dossier

from .constants import PaymentState
from .models import FeeRequest, Payment
from .services import fee_open

__all__ = ["fee_open", "fees_of_dossier", "payments_paid_of_dossier"]


def fees_of_dossier(*, dossier: Dossier) -> QuerySet[FeeRequest]:
    return dossier.fee_requests.order_by("requested_at", "id")


def payments_paid_of_dossier(*, dossier: Dossier) -> QuerySet[Payment]:
    return dossier.payments.filter(state=PaymentState.PAID).select_related(
        "receipt_file", "fee_request"
    )
