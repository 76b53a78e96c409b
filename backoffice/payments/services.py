"""Fee writes: the office asks for a fee, the applicant pays it through a provider.

Every write is atomic and audited; the dossier moves through `dossier_transition`
(PROCESSING → AWAITING_FEE → PROCESSING: the statutory clock stops while the fee is
awaited and restarts when it is paid).
"""

import uuid
from collections.abc import Mapping

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.constants import Permission
from backoffice.core.selectors import user_permissions
from backoffice.core.services import audit_record
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.services import dossier_file_store, dossier_transition
from backoffice.signatures.official import issued_pdf_sign

from .constants import FEE_MAX_VND, PaymentState, vnd
from .models import FeeRequest, Payment, ReceiptSequence
from .pdf import receipt_pdf
from .providers import provider_get


def _amount(value: object) -> int:
    text = str(value if value is not None else "").strip().replace(".", "")
    text = text.replace(",", "").replace(" ", "")
    if not text.isdigit() or not 0 < int(text) <= FEE_MAX_VND:
        raise ValidationError(
            {
                "amount": _(
                    "Số tiền phải là số nguyên dương (đồng), không quá %(max)s."
                )
                % {"max": vnd(FEE_MAX_VND)}
            },
            code="bad_amount",
        )
    return int(text)


@transaction.atomic
def fee_request_create(
    *, dossier: Dossier, actor: AbstractBaseUser, amount: object, note: str = ""
) -> FeeRequest:
    """Ask the applicant to pay `amount` VND (status 4 → 6, clock stops). Audited;
    the applicant is e-mailed through the status change."""
    if Permission.PROCESS_DOSSIERS not in user_permissions(
        user=actor, agency=dossier.agency
    ):
        raise PermissionDenied(
            _("Bạn không có quyền thực hiện thao tác này với hồ sơ.")
        )
    value = _amount(amount)
    note = (note or "").strip()[:300]
    status = (
        Dossier.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=dossier.pk)
    )
    if status not in (DossierStatus.ACCEPTED, DossierStatus.PROCESSING):
        raise ValidationError(
            _("Chỉ yêu cầu nộp phí được khi hồ sơ đang xử lý."), code="not_processing"
        )
    if status == DossierStatus.ACCEPTED:
        dossier = dossier_transition(
            dossier=dossier, to=DossierStatus.PROCESSING, actor=actor
        )
    fee = FeeRequest.objects.create(
        dossier=dossier, amount=value, note=note, requested_by=actor
    )
    dossier_transition(
        dossier=dossier,
        to=DossierStatus.AWAITING_FEE,
        actor=actor,
        # Stored history, in the site's language like every status note.
        note=f"Đề nghị nộp phí, lệ phí: {vnd(value)}." + (f" {note}" if note else ""),
    )
    audit_record(
        actor=actor,
        action="fee.requested",
        obj=fee,
        after={"dossier": dossier.code, "amount": value},
        agency=dossier.agency,
    )
    return fee


def fee_open(*, dossier: Dossier) -> FeeRequest | None:
    """The unpaid fee request of a dossier awaiting its fee, if any."""
    if dossier.status != DossierStatus.AWAITING_FEE:
        return None
    return dossier.fee_requests.filter(paid_at__isnull=True).first()


@transaction.atomic
def payment_start(
    *, dossier: Dossier, actor: AbstractBaseUser, return_url: str
) -> tuple[Payment, str]:
    """Start paying the dossier's open fee: a pending payment and the provider's
    checkout address to send the applicant to. Owner only. Audited."""
    if dossier.owner_id is None or dossier.owner_id != actor.pk:
        raise PermissionDenied(_("Chỉ người nộp hồ sơ mới thanh toán được."))
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    fee = fee_open(dossier=locked)
    if fee is None:
        raise ValidationError(
            _("Hồ sơ không ở trạng thái chờ nộp phí, lệ phí."), code="not_awaiting_fee"
        )
    provider = provider_get()
    payment = Payment.objects.create(
        fee_request=fee,
        dossier=locked,
        amount=fee.amount,
        provider=provider.name,
        provider_reference=uuid.uuid4().hex,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="payment.started",
        obj=payment,
        after={"dossier": locked.code, "amount": fee.amount, "provider": provider.name},
        agency=locked.agency,
    )
    return payment, provider.checkout_url(payment=payment, return_url=return_url)


def _receipt_number(year: int) -> str:
    sequence, _created = ReceiptSequence.objects.select_for_update().get_or_create(
        year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"BL{year}-{sequence.last:06d}"


@transaction.atomic
def payment_callback(*, data: Mapping[str, str]) -> Payment:
    """Apply a provider's signed result to our payment.

    Refused — nothing changed — for a bad signature, an unknown reference, a
    result already applied (a replay), an amount other than the one asked, or a
    dossier no longer awaiting this fee. A payment confirmed "paid" gets a receipt
    number and a receipt PDF (stored with the dossier), the fee is marked paid and
    the dossier goes back to processing. Audited.
    """
    provider = provider_get()
    result = provider.callback_verify(data=data)
    payment = (
        Payment.objects.select_for_update()
        .select_related("fee_request", "dossier")
        .filter(provider_reference=result.reference, provider=provider.name)
        .first()
    )
    if payment is None:
        raise ValidationError(
            _("Không tìm thấy giao dịch thanh toán."), code="unknown_payment"
        )
    if payment.state != PaymentState.PENDING:
        raise ValidationError(
            _("Giao dịch này đã được xử lý; kết quả gửi lại không được ghi nhận."),
            code="replayed",
        )
    if result.amount != payment.amount:
        raise ValidationError(
            _("Số tiền thanh toán (%(paid)s) khác số tiền phải nộp (%(due)s).")
            % {"paid": vnd(result.amount), "due": vnd(payment.amount)},
            code="wrong_amount",
        )
    dossier = Dossier.objects.select_for_update().get(pk=payment.dossier_id)
    if result.outcome != PaymentState.PAID:
        payment.state = result.outcome
        payment.provider_transaction = result.transaction[:100]
        payment.save(update_fields=["state", "provider_transaction", "updated_at"])
        audit_record(
            actor=None,
            action=f"payment.{result.outcome}",
            obj=payment,
            after={"dossier": dossier.code},
            agency=dossier.agency,
        )
        return payment
    fee = FeeRequest.objects.select_for_update().get(pk=payment.fee_request_id)
    if fee.paid_at is not None:
        raise ValidationError(
            _("Phí, lệ phí của hồ sơ này đã được nộp."), code="already_paid"
        )
    if dossier.status != DossierStatus.AWAITING_FEE:
        raise ValidationError(
            _("Hồ sơ không ở trạng thái chờ nộp phí, lệ phí."), code="not_awaiting_fee"
        )
    now = timezone.now()
    payment.state = PaymentState.PAID
    payment.paid_at = now
    payment.provider_transaction = result.transaction[:100]
    payment.receipt_number = _receipt_number(timezone.localtime(now).year)
    payment.save()
    fee.paid_at = now
    fee.save(update_fields=["paid_at"])
    payment.receipt_file = dossier_file_store(
        dossier=dossier,
        name=f"bien-lai-{payment.receipt_number}.pdf",
        content=issued_pdf_sign(
            pdf_bytes=receipt_pdf(payment=payment),
            agency=dossier.agency,
            reason=f"Biên lai thu phí, lệ phí {payment.receipt_number}",
        ),
        media_type="application/pdf",
        stored=[],
        kind=DossierFile.Kind.FORM,
        pages=1,
        check=False,
    )
    payment.save(update_fields=["receipt_file"])
    dossier_transition(
        dossier=dossier,
        to=DossierStatus.PROCESSING,
        actor=None,
        note=(
            f"Đã nộp phí, lệ phí {vnd(payment.amount)}, "
            f"biên lai số {payment.receipt_number}."
        ),
        now=now,
    )
    audit_record(
        actor=None,
        action="payment.paid",
        obj=payment,
        after={
            "dossier": dossier.code,
            "amount": payment.amount,
            "receipt_number": payment.receipt_number,
            "transaction": payment.provider_transaction,
        },
        agency=dossier.agency,
    )
    return payment
