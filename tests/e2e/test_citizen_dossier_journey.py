"""Issue 13, the citizen's side in the browser, on a 390 px phone: drafts (continue,
delete), withdrawing a new dossier, paying a fee through the fake provider, a
refused dossier's reason and form 03, and rating a returned dossier. Every page of
the journey fits the screen and passes axe-core."""

import pytest
from playwright.sync_api import Browser, Page, expect

from backoffice.core.constants import Role
from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.handling import dossier_refuse
from backoffice.dossiers.models import DossierRating, SubmissionDraft
from backoffice.dossiers.services import Applicant, dossier_submit
from backoffice.payments.constants import PaymentState
from backoffice.payments.models import Payment
from backoffice.payments.services import fee_request_create
from backoffice.procedures.models import Procedure
from backoffice.procedures.services import procedures_import
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.crawl import axe_serious, axe_source, overflow
from tests.fixtures.browser import sign_in_citizen
from tests.fixtures.citizens import citizen
from tests.fixtures.procedures import as_json, procedure
from tests.portal.dossier_states import TO_RETURNED, draft_with_file, move

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

REASON = "Hồ sơ thuộc thẩm quyền của UBND TP Sóc Trăng."


@pytest.fixture
def journey(
    birth_registration,
    agency_tree,
    complete_files,
    make_staff,
    agency_pki,
    celery_eager,
):
    procedures_import(
        actor=None,
        name="p.json",
        content=as_json(
            procedure(
                code="1.000894",
                name="Thủ tục đăng ký kết hôn",
                fees="Lệ phí: 150.000 đồng",
            )
        ),
    )
    marriage = Procedure.objects.get(code="1.000894")
    alice = citizen("alice@example.vn")
    officer = make_staff("tn", agency=agency_tree["ward"], role=Role.RECEPTION)
    specialist = make_staff("cv", agency=agency_tree["ward"], role=Role.SPECIALIST)

    def submit(proc=birth_registration):
        files = complete_files
        if proc != birth_registration:
            files = {
                c.pk: next(iter(complete_files.values())) for c in proc.components.all()
            }
        return dossier_submit(
            procedure=proc,
            agency=agency_tree["ward"],
            channel=Channel.ONLINE,
            applicant=Applicant(
                name="Trần Thị Alice", id_number="094095001234", email=alice.email
            ),
            files=files,
            owner=alice,
        )

    fresh = submit()
    fee_due = move(submit(marriage), DossierStatus.ACCEPTED, DossierStatus.PROCESSING)
    fee_request_create(dossier=fee_due, actor=specialist, amount="150000")
    refused = submit()
    dossier_refuse(dossier=refused, actor=officer, reason=REASON)
    returned = move(submit(), *TO_RETURNED)
    return {
        "alice": alice,
        "drafts": [
            draft_with_file(alice, birth_registration),
            draft_with_file(alice, marriage),
        ],
        "fresh": fresh,
        "fee_due": fee_due,
        "refused": refused,
        "returned": returned,
    }


def _check(page: Page, source: str, problems: list) -> None:
    wide = overflow(page)
    if wide:
        problems.append((page.url, "wider than the screen", wide))
    for violation in axe_serious(page, source):
        problems.append((page.url, violation))


def test_citizen_dossier_journey_on_a_phone(
    live_server, browser: Browser, journey
) -> None:
    source = axe_source()
    base = live_server.url
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list = []
    sign_in_citizen(page, base, journey["alice"].email)

    # Drafts: listed with their procedure; continue one, delete the other.
    keep, drop = journey["drafts"]
    page.goto(base + "/ho-so-cua-toi/")
    drafts = page.locator("#my-drafts")
    expect(drafts).to_contain_text(keep.procedure.name)
    expect(drafts).to_contain_text(drop.procedure.name)
    _check(page, source, problems)
    page.locator(f"#draft-{keep.pk}").get_by_role("link", name="Tiếp tục").click()
    expect(page.locator("main")).to_contain_text("giay-khai-sinh.pdf")
    page.goto(base + "/ho-so-cua-toi/")
    page.locator(f"#draft-{drop.pk}").get_by_role("link", name="Xóa").click()
    expect(page.locator("h1")).to_have_text("Xóa hồ sơ nháp")
    _check(page, source, problems)
    page.locator("#confirm-delete").click()
    expect(page.locator(".messages")).to_contain_text("Đã xóa hồ sơ nháp")
    expect(page.locator(f"#draft-{drop.pk}")).to_have_count(0)
    expect(page.locator(f"#draft-{keep.pk}")).to_have_count(1)
    assert list(SubmissionDraft.objects.values_list("pk", flat=True)) == [keep.pk]

    # Withdraw the new dossier, with a reason.
    fresh = journey["fresh"]
    page.goto(f"{base}/ho-so-cua-toi/{fresh.code}/")
    expect(page.locator("#dossier-due")).to_be_visible()
    _check(page, source, problems)
    page.fill("#withdraw-reason", "Tôi đã nộp trùng hồ sơ.")
    page.locator("#withdraw-submit").click()
    expect(page.locator("#dossier-status")).to_have_text("Công dân rút hồ sơ")
    expect(page.locator("#outcome-reason")).to_contain_text("Tôi đã nộp trùng hồ sơ.")
    expect(page.locator("#dossier-due")).to_have_count(0)
    expect(page.locator("#withdraw")).to_have_count(0)

    # Pay the fee through the fake provider and get the receipt.
    fee_due = journey["fee_due"]
    page.goto(f"{base}/ho-so-cua-toi/{fee_due.code}/")
    expect(page.locator("#procedure-fees")).to_have_text("Lệ phí: 150.000 đồng")
    expect(page.locator("#fee-amount")).to_have_text("150.000 đồng")
    expect(page.locator(".status-badge.status-action")).to_be_visible()
    _check(page, source, problems)
    page.locator("#pay-fee").click()
    expect(page.locator("#gateway-amount")).to_have_text("150.000 đồng")
    _check(page, source, problems)
    page.locator("#gateway-pay").click()
    payment = Payment.objects.get()
    assert payment.state == PaymentState.PAID
    expect(page.locator("#dossier-status")).to_have_text("Đang xử lý")
    expect(page.locator("#payments")).to_contain_text(payment.receipt_number)
    with page.expect_download() as download:
        page.locator(f"#receipt-{payment.receipt_number}").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # A refused dossier: the reason, form 03, no appointment date.
    refused = journey["refused"]
    page.goto(f"{base}/ho-so-cua-toi/{refused.code}/")
    expect(page.locator("#outcome-reason")).to_have_text(REASON)
    expect(page.locator("#dossier-due")).to_have_count(0)
    expect(page.locator(".status-badge.status-ended")).to_be_visible()
    _check(page, source, problems)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "citizen-refused-390.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#outcome-form").click()
    assert download.value.suggested_filename.startswith("mau-03-tu-choi-")
    assert download.value.path().read_bytes().startswith(b"%PDF")

    # Rate the returned dossier: a radio group with words, then read-only.
    returned = journey["returned"]
    page.goto(f"{base}/ho-so-cua-toi/{returned.code}/")
    expect(page.locator(".status-badge.status-done")).to_be_visible()
    _check(page, source, problems)
    page.get_by_role("radio", name="4 — Hài lòng").check()
    page.screenshot(path=str(ARTIFACTS / "citizen-rating-390.png"), full_page=True)
    page.fill("#rating-comment", "Cán bộ hướng dẫn tận tình.")
    page.locator("#rating-submit").click()
    expect(page.locator("#rating-score")).to_have_text("4/5")
    expect(page.get_by_role("radio")).to_have_count(0)
    assert DossierRating.objects.get(dossier=returned).score == 4

    # The list tells the four kinds of status apart.
    page.goto(base + "/ho-so-cua-toi/")
    for kind in ("progress", "ended", "done"):
        expect(page.locator(f"#my-dossiers .status-{kind}").first).to_be_visible()
    _check(page, source, problems)
    context.close()
    assert not problems, "\n".join(map(str, problems))
