"""The citizen's actions on a dossier page: withdraw, rate, pay a fee."""

from django.contrib.messages import get_messages

import pytest

from backoffice.core.constants import Role
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import DossierRating
from backoffice.payments.constants import PaymentState
from backoffice.payments.models import Payment
from backoffice.payments.providers import PaymentProvider
from backoffice.payments.services import fee_request_create
from tests.fixtures.citizens import citizen, signed_in
from tests.portal.dossier_states import TO_RETURNED, move

pytestmark = pytest.mark.django_db


# Withdrawal


def test_withdraw_from_the_dossier_page(alice_dossier) -> None:
    alice, dossier = alice_dossier
    client = signed_in(alice)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert 'id="withdraw"' in page
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": "Đã nộp trùng."}, follow=True
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    html = response.content.decode()
    assert "Đã rút hồ sơ" in html
    assert "Lý do rút hồ sơ: Đã nộp trùng." in html
    assert 'id="withdraw"' not in html
    assert 'id="dossier-due"' not in html


def test_withdraw_without_reason_shows_error_and_changes_nothing(alice_dossier):
    alice, dossier = alice_dossier
    response = signed_in(alice).post(
        f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": "  "}, follow=True
    )
    assert "Hãy ghi rõ lý do rút hồ sơ." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW


def test_withdraw_after_processing_started_is_refused(alice_dossier) -> None:
    alice, dossier = alice_dossier
    move(dossier, DossierStatus.ACCEPTED, DossierStatus.PROCESSING)
    client = signed_in(alice)
    assert (
        'id="withdraw"'
        not in client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    )
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": "Muộn rồi."}, follow=True
    )
    assert "chỉ rút được hồ sơ chưa bắt đầu xử lý" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING


def test_withdraw_someone_elses_dossier_is_404(alice_dossier) -> None:
    _alice, dossier = alice_dossier
    bob = signed_in(citizen("bob@example.vn"))
    response = bob.post(f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": "x"})
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW


# Rating


def test_rate_a_returned_dossier_once(alice_dossier) -> None:
    alice, dossier = alice_dossier
    client = signed_in(alice)
    assert (
        'name="score"'
        not in client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    )
    move(dossier, *TO_RETURNED)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "<fieldset" in page
    assert "<legend>" in page
    assert page.count('type="radio" name="score"') == 5
    assert "5 — Rất hài lòng" in page
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/",
        {"score": "4", "comment": "Cán bộ nhiệt tình."},
        follow=True,
    )
    html = response.content.decode()
    assert "Cảm ơn Ông/Bà đã đánh giá." in html
    assert '<strong id="rating-score">4/5</strong>' in html
    assert "Cán bộ nhiệt tình." in html
    assert 'name="score"' not in html
    again = client.post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"score": "1"}, follow=True
    )
    assert "Hồ sơ này đã được đánh giá." in again.content.decode()
    assert DossierRating.objects.get(dossier=dossier).score == 4


@pytest.mark.parametrize("score", ["", "0", "6", "năm"])
def test_bad_score_is_explained(alice_dossier, score) -> None:
    alice, dossier = alice_dossier
    move(dossier, *TO_RETURNED)
    response = signed_in(alice).post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"score": score}, follow=True
    )
    assert "Mức hài lòng phải từ 1 đến 5." in response.content.decode()
    assert not DossierRating.objects.exists()


def test_rating_before_return_is_refused(alice_dossier) -> None:
    alice, dossier = alice_dossier
    response = signed_in(alice).post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"score": "5"}, follow=True
    )
    assert "Chỉ đánh giá được hồ sơ đã trả kết quả." in response.content.decode()
    assert not DossierRating.objects.exists()


# Fees


@pytest.fixture
def awaiting_fee(alice_dossier, agency_tree, make_staff):
    alice, dossier = alice_dossier
    dossier.procedure.fees = "Lệ phí: 150.000 đồng/hồ sơ"
    dossier.procedure.save(update_fields=["fees"])
    specialist = make_staff("cv", agency=agency_tree["ward"], role=Role.SPECIALIST)
    move(dossier, DossierStatus.ACCEPTED, DossierStatus.PROCESSING)
    fee_request_create(dossier=dossier, actor=specialist, amount="150000")
    dossier.refresh_from_db()
    return alice, dossier


def test_pay_a_fee_through_the_fake_gateway(awaiting_fee, agency_pki) -> None:
    alice, dossier = awaiting_fee
    client = signed_in(alice)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Lệ phí: 150.000 đồng/hồ sơ" in page
    assert '<strong id="fee-amount">150.000 đồng</strong>' in page
    start = client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    payment = Payment.objects.get()
    assert start.status_code == 302
    assert start.url.startswith(
        f"/thanh-toan/cong-thu-nghiem/{payment.provider_reference}/"
    )
    gateway = client.get(start.url)
    assert "150.000 đồng" in gateway.content.decode()
    back = client.post(start.url, {"outcome": "pay"})
    assert back.status_code == 302
    assert back.url.startswith("http://testserver/thanh-toan/ket-qua/?")
    done = client.get(back.url, follow=True)
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    html = done.content.decode()
    assert f"Biên lai số {payment.receipt_number}" in html
    assert f'href="/ho-so-cua-toi/{dossier.code}/tep/{payment.receipt_file_id}/"' in (
        html
    )
    assert 'id="pay-fee"' not in html
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    # The same result sent again (a replay) is refused and changes nothing.
    replay = client.get(back.url)
    assert replay.status_code == 400
    assert "đã được xử lý" in replay.content.decode()
    assert Payment.objects.get().receipt_number == payment.receipt_number


def test_forged_callback_is_refused(awaiting_fee) -> None:
    alice, dossier = awaiting_fee
    client = signed_in(alice)
    start = client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    back = client.post(start.url, {"outcome": "pay"})
    forged = back.url.replace("code=00", "code=00&x=1").replace("sig=", "sig=0")
    response = client.get(forged)
    assert response.status_code == 400
    assert "chữ ký hợp lệ" in response.content.decode()
    assert Payment.objects.get().state == PaymentState.PENDING
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_FEE


def test_cancel_at_the_gateway_keeps_the_pay_step(awaiting_fee) -> None:
    alice, dossier = awaiting_fee
    client = signed_in(alice)
    start = client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    back = client.post(start.url, {"outcome": "cancel"})
    page = client.get(back.url, follow=True).content.decode()
    assert "Chưa thanh toán" in page
    assert 'id="pay-fee"' in page


def test_pay_when_no_fee_is_due_is_refused(alice_dossier) -> None:
    alice, dossier = alice_dossier
    response = signed_in(alice).post(
        f"/ho-so-cua-toi/{dossier.code}/thanh-toan/", follow=True
    )
    assert "không ở trạng thái chờ nộp phí" in response.content.decode()
    assert not Payment.objects.exists()


def test_gateway_page_is_only_for_the_fake_provider(awaiting_fee, settings) -> None:
    alice, dossier = awaiting_fee
    client = signed_in(alice)
    start = client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    settings.PAYMENT_PROVIDER = "tests.portal.test_dossier_actions.OtherProvider"
    assert client.get(start.url).status_code == 404


def test_gateway_does_not_redirect_off_site(awaiting_fee) -> None:
    alice, dossier = awaiting_fee
    client = signed_in(alice)
    start = client.post(f"/ho-so-cua-toi/{dossier.code}/thanh-toan/")
    evil = start.url.split("?")[0] + "?return=https://evil.example/steal"
    back = client.post(evil, {"outcome": "pay"})
    assert back.url.startswith("/thanh-toan/ket-qua/?")


def test_staff_request_the_fee_from_the_staff_page(
    alice_dossier, agency_tree, make_staff, verified_client
) -> None:
    _alice, dossier = alice_dossier
    move(dossier, DossierStatus.ACCEPTED, DossierStatus.PROCESSING)
    specialist = make_staff("cv", agency=agency_tree["ward"], role=Role.SPECIALIST)
    staff = verified_client(specialist)
    response = staff.post(
        f"/backoffice/le-phi/{dossier.code}/yeu-cau/", {"amount": "abc"}
    )
    assert response.url == f"/backoffice/ho-so/{dossier.code}/"
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Số tiền phải là số nguyên dương" in said
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    staff.post(
        f"/backoffice/le-phi/{dossier.code}/yeu-cau/",
        {"amount": "50.000", "note": "Lệ phí cấp bản sao"},
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_FEE
    # Staff of another agency do not even see the dossier.
    other = verified_client(
        make_staff("cv2", agency=agency_tree["justice"], role=Role.SPECIALIST)
    )
    assert (
        other.post(
            f"/backoffice/le-phi/{dossier.code}/yeu-cau/", {"amount": "1"}
        ).status_code
        == 404
    )


def test_staff_fee_include_renders_for_processing(alice_dossier) -> None:
    from django.template.loader import render_to_string

    _alice, dossier = alice_dossier
    assert "fee-request" not in render_to_string(
        "payments/_staff_fee_request.html", {"dossier": dossier}
    )
    move(dossier, DossierStatus.ACCEPTED, DossierStatus.PROCESSING)
    html = render_to_string("payments/_staff_fee_request.html", {"dossier": dossier})
    assert f'action="/backoffice/le-phi/{dossier.code}/yeu-cau/"' in html
    assert 'name="amount"' in html


class OtherProvider(PaymentProvider):
    """Stands for a real gateway class in the setting (not the fake one)."""

    name = "other"
    label = "Other"

    def checkout_url(self, *, payment, return_url):
        return "https://gateway.invalid/pay"

    def callback_verify(self, *, data):
        raise NotImplementedError
