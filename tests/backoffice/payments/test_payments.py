"""Fees: the office asks for one, the applicant pays through the fake provider.

The fake provider is confirmed through its own interface (a signed result as the
gateway would send back), never by writing the payment directly.
"""

import threading

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.services import dossier_transition
from backoffice.payments.constants import PaymentState
from backoffice.payments.models import FeeRequest, Payment
from backoffice.payments.providers import FakeProvider, provider_get
from backoffice.payments.services import (
    fee_request_create,
    payment_callback,
    payment_start,
)
from tests.fixtures.citizens import citizen
from tests.fixtures.databases import postgresql_only

pytestmark = pytest.mark.django_db

RETURN = "http://testserver/thanh-toan/ket-qua/"


@pytest.fixture
def processing(alice_dossier, agency_tree, make_staff):
    alice, dossier = alice_dossier
    specialist = make_staff("cv", agency=agency_tree["ward"], role="specialist")
    dossier_transition(dossier=dossier, to=DossierStatus.ACCEPTED, actor=None)
    dossier_transition(dossier=dossier, to=DossierStatus.PROCESSING, actor=None)
    return alice, dossier, specialist


@pytest.fixture
def awaiting(processing):
    alice, dossier, specialist = processing
    fee = fee_request_create(
        dossier=dossier, actor=specialist, amount="150.000", note="Lệ phí hộ tịch"
    )
    dossier.refresh_from_db()
    return alice, dossier, fee


def _signed(payment: Payment, *, code: str = "00", amount: int | None = None) -> dict:
    provider = provider_get()
    assert isinstance(provider, FakeProvider)
    return provider.result_sign(
        reference=payment.provider_reference,
        amount=payment.amount if amount is None else amount,
        transaction="FAKE0001",
        code=code,
    )


def _state(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.due_at,
        dossier.events.count(),
        list(Payment.objects.values_list("state", "receipt_number")),
        list(FeeRequest.objects.values_list("paid_at", flat=True)),
        dossier.files.count(),
        AuditLogEntry.objects.count(),
    )


def test_staff_requests_a_fee_and_the_clock_stops(processing) -> None:
    _alice, dossier, specialist = processing
    fee = fee_request_create(dossier=dossier, actor=specialist, amount="150.000")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_FEE
    assert fee.amount == 150_000
    assert "150.000 đồng" in dossier.events.order_by("-at", "-id").first().note
    assert AuditLogEntry.objects.filter(action="fee.requested").count() == 1


@pytest.mark.parametrize("amount", ["", "0", "-5", "abc", "1.5e3", "2000000000"])
def test_a_bad_amount_is_refused_and_nothing_changes(processing, amount) -> None:
    _alice, dossier, specialist = processing
    before = _state(dossier)
    with pytest.raises(ValidationError) as err:
        fee_request_create(dossier=dossier, actor=specialist, amount=amount)
    assert "amount" in err.value.message_dict
    assert _state(dossier) == before


def test_only_processing_staff_of_the_agency_request_fees(
    processing, agency_tree, make_staff
) -> None:
    alice, dossier, _specialist = processing
    outsiders = [
        make_staff("tn", agency=agency_tree["ward"], role="reception"),
        make_staff("cv2", agency=agency_tree["justice"], role="specialist"),
        alice,
    ]
    before = _state(dossier)
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            fee_request_create(dossier=dossier, actor=user, amount="1000")
    assert _state(dossier) == before


def test_a_fee_cannot_be_requested_for_a_new_dossier(
    alice_dossier, agency_tree, make_staff
) -> None:
    _alice, dossier = alice_dossier
    specialist = make_staff("cv", agency=agency_tree["ward"], role="specialist")
    before = _state(dossier)
    with pytest.raises(ValidationError):
        fee_request_create(dossier=dossier, actor=specialist, amount="1000")
    assert _state(dossier) == before


def test_paying_through_the_fake_provider(awaiting, agency_pki) -> None:
    alice, dossier, fee = awaiting
    due_while_waiting = dossier.due_at
    payment, url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    assert url.startswith(f"/thanh-toan/cong-thu-nghiem/{payment.provider_reference}/")
    assert (payment.state, payment.amount, payment.provider) == (
        PaymentState.PENDING,
        150_000,
        "fake",
    )
    paid = payment_callback(data=_signed(payment))
    assert paid.state == PaymentState.PAID
    assert paid.receipt_number.startswith("BL")
    assert paid.provider_transaction == "FAKE0001"
    fee.refresh_from_db()
    assert fee.paid_at is not None
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.due_at >= due_while_waiting
    receipt = dossier.files.get(kind=DossierFile.Kind.FORM)
    assert receipt.pk == paid.receipt_file_id
    assert receipt.original_name == f"bien-lai-{paid.receipt_number}.pdf"
    with receipt.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"payment.started", "payment.paid", "dossier.status_changed"} <= actions


def test_receipt_numbers_follow_each_other(processing, agency_pki, alice_dossier):
    alice, dossier, specialist = processing
    numbers = []
    for _ in range(2):
        fee_request_create(dossier=dossier, actor=specialist, amount="20000")
        dossier.refresh_from_db()
        payment, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
        numbers.append(payment_callback(data=_signed(payment)).receipt_number)
        dossier.refresh_from_db()
    first, second = (int(n.rsplit("-", 1)[1]) for n in numbers)
    assert second == first + 1


def test_bad_signature_changes_nothing(awaiting) -> None:
    alice, dossier, _fee = awaiting
    payment, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    before = _state(dossier)
    forged = {**_signed(payment), "sig": "0" * 64}
    tampered = {**_signed(payment), "code": "00", "amount": "1"}
    for data in (forged, tampered, {"ref": payment.provider_reference}):
        with pytest.raises(ValidationError) as err:
            payment_callback(data=data)
        assert err.value.code == "bad_signature"
    assert _state(dossier) == before


def test_replayed_callback_is_refused(awaiting, agency_pki) -> None:
    alice, dossier, _fee = awaiting
    payment, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    data = _signed(payment)
    payment_callback(data=data)
    before = _state(dossier)
    with pytest.raises(ValidationError) as err:
        payment_callback(data=data)
    assert err.value.code == "replayed"
    assert _state(dossier) == before


def test_wrong_amount_is_refused(awaiting) -> None:
    alice, dossier, _fee = awaiting
    payment, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    before = _state(dossier)
    with pytest.raises(ValidationError) as err:
        payment_callback(data=_signed(payment, amount=15_000))
    assert err.value.code == "wrong_amount"
    assert "15.000 đồng" in err.value.messages[0]
    assert _state(dossier) == before


def test_paying_a_dossier_not_awaiting_fees_is_refused(processing, alice_dossier):
    alice, dossier, _specialist = processing
    before = _state(dossier)
    with pytest.raises(ValidationError) as err:
        payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    assert err.value.code == "not_awaiting_fee"
    assert _state(dossier) == before


def test_paying_twice_is_refused(awaiting, agency_pki) -> None:
    alice, dossier, _fee = awaiting
    first, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    second, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    payment_callback(data=_signed(first))
    before = _state(dossier)
    # A second attempt opened before the first was confirmed cannot be paid too...
    with pytest.raises(ValidationError) as err:
        payment_callback(data=_signed(second))
    assert err.value.code == "already_paid"
    # ...and no new attempt can start once the fee is paid.
    with pytest.raises(ValidationError):
        payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    assert _state(dossier) == before


def test_a_withdrawn_dossier_cannot_be_paid(awaiting) -> None:
    alice, dossier, _fee = awaiting
    payment, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    dossier_transition(dossier=dossier, to=DossierStatus.WITHDRAWN, actor=alice)
    before = _state(dossier)
    with pytest.raises(ValidationError) as err:
        payment_callback(data=_signed(payment))
    assert err.value.code == "not_awaiting_fee"
    assert _state(dossier) == before


def test_cancelled_at_the_gateway(awaiting) -> None:
    alice, dossier, _fee = awaiting
    payment, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    result = payment_callback(data=_signed(payment, code="24"))
    assert result.state == PaymentState.CANCELLED
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_FEE
    # A new attempt may follow.
    again, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    assert again.state == PaymentState.PENDING


def test_only_the_owner_pays(awaiting) -> None:
    _alice, dossier, _fee = awaiting
    before = _state(dossier)
    with pytest.raises(PermissionDenied):
        payment_start(
            dossier=dossier, actor=citizen("eve@example.vn"), return_url=RETURN
        )
    assert _state(dossier) == before


def test_provider_registry_reads_the_setting(settings) -> None:
    from django.core.exceptions import ImproperlyConfigured

    assert isinstance(provider_get(), FakeProvider)
    settings.PAYMENT_PROVIDER = "backoffice.payments.providers.FakeProvider"
    assert isinstance(provider_get(), FakeProvider)
    settings.PAYMENT_PROVIDER = "vnpay-not-installed"
    with pytest.raises(ImproperlyConfigured):
        provider_get()


def test_a_result_signed_with_another_secret_is_refused(awaiting, settings) -> None:
    alice, dossier, _fee = awaiting
    payment, _url = payment_start(dossier=dossier, actor=alice, return_url=RETURN)
    settings.PAYMENT_FAKE_SECRET = "gateway-secret-1"
    data = _signed(payment)
    settings.PAYMENT_FAKE_SECRET = "gateway-secret-2"
    with pytest.raises(ValidationError):
        payment_callback(data=data)


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_two_attempts_confirmed_at_once_pay_once(awaiting, agency_pki) -> None:
    alice, dossier, _fee = awaiting
    attempts = [
        payment_start(dossier=dossier, actor=alice, return_url=RETURN)[0]
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(payment: Payment) -> None:
        try:
            start.wait(timeout=30)
            payment_callback(data=_signed(payment))
            outcomes.append("paid")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(p,)) for p in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_paid", "paid"]
    assert Payment.objects.filter(state=PaymentState.PAID).count() == 1
