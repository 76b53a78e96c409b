"""One dossier after intake, every role in its own browser: reception accepts from
its queue, the ward leader assigns and transfers it to the city, the city's leader
and specialist process their step and hand it back, the ward specialist proposes
the result, the leader approves (result signed, verifying valid), reception hands
it back. The queue and the dossier page also work at 390 px wide."""

import pytest
from playwright.sync_api import Browser, Page, expect

from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.signatures.event_loop import outside_event_loop
from backoffice.signatures.verification import pdf_verify, trust_store
from tests.e2e.conftest import ARTIFACTS
from tests.fixtures.browser import no_horizontal_scroll, person
from tests.fixtures.dossier_desk import desk, submitted  # noqa: F401
from tests.fixtures.signatures import make_pdf

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def open_from_queue(page: Page, queue: str, code: str) -> None:
    """From the back-office home, through the queue link, to the dossier."""
    home = page.url.split("/backoffice/")[0] + "/backoffice/"
    page.goto(home)
    page.click("#link-queue")
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    section = page.locator(f"#queue-{queue}")
    expect(section).to_contain_text(code)
    expect(section.locator(".due").first).to_contain_text("hạn")
    section.get_by_role("link", name=code).click()
    expect(page.locator("#dossier-code")).to_have_text(code)


def test_receipt_to_return_through_two_agencies_in_the_browser(
    live_server,
    browser: Browser,
    desk,  # noqa: F811 — the fixture imported above
    submitted,  # noqa: F811
    agency_pki,
    tmp_path,
) -> None:
    base, code = live_server.url, submitted.code
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(make_pdf(["GIẤY KHAI SINH", code]))

    # Reception accepts it from the queue.
    reception = person(browser, base, desk.reception)
    open_from_queue(reception, "to_accept", code)
    reception.click("#action-accept")
    expect(reception.locator("#dossier-status")).to_have_text("Đã tiếp nhận")

    # The ward leader assigns the specialist, then sends it to the city.
    leader = person(browser, base, desk.leader)
    open_from_queue(leader, "to_assign", code)
    expect(leader.locator("#action-approve")).to_have_count(0)
    leader.select_option("#assign-to", str(desk.specialist.pk))
    leader.click("#action-assign")
    expect(leader.locator("#dossier-status")).to_have_text("Đang xử lý")
    expect(leader.locator("#steps")).to_contain_text("CV Cán bộ")
    leader.select_option("#transfer-agency", label="UBND TP Sóc Trăng")
    leader.fill("#transfer-days", "1")
    leader.fill("#transfer-note", "Đề nghị xác minh nơi cư trú")
    leader.click("#action-transfer")
    expect(leader.locator("#agency-now")).to_contain_text("UBND TP Sóc Trăng")
    expect(leader.locator("#no-actions")).to_have_count(0)  # suspend stays
    expect(leader.locator("#action-assign")).to_have_count(0)

    # The city's leader assigns, its specialist finishes the step, it is approved.
    city_leader = person(browser, base, desk.city_leader)
    open_from_queue(city_leader, "to_assign", code)
    city_leader.select_option("#assign-to", str(desk.city_specialist.pk))
    city_leader.click("#action-assign")
    city_specialist = person(browser, base, desk.city_specialist)
    open_from_queue(city_specialist, "assigned", code)
    city_specialist.fill("#propose-note", "Đã xác minh: đúng nơi cư trú")
    city_specialist.click("#action-propose")
    expect(city_specialist.locator("#pending-proposal")).to_contain_text("Đã xác minh")
    open_from_queue(city_leader, "to_approve", code)
    city_leader.click("#action-approve")
    expect(city_leader.locator("#agency-now")).to_contain_text("UBND Phường 1")

    # Back at the ward: the specialist proposes the result, the leader approves.
    specialist = person(browser, base, desk.specialist)
    open_from_queue(specialist, "assigned", code)
    specialist.check("#outcome-approve")
    specialist.set_input_files("#result-files", str(result))
    specialist.fill("#propose-note", "Đủ điều kiện đăng ký")
    specialist.click("#action-propose")
    expect(specialist.locator("#pending-proposal")).to_contain_text(
        "giay-khai-sinh.pdf"
    )
    expect(specialist.locator("#action-propose")).to_have_count(0)
    open_from_queue(leader, "to_approve", code)
    leader.click("#action-approve")
    expect(leader.locator("#dossier-status")).to_have_text("Đã có kết quả")
    expect(leader.locator("#files tr.file-result")).to_contain_text(
        "giay-khai-sinh.pdf"
    )
    leader.screenshot(path=str(ARTIFACTS / "dossier-approved.png"), full_page=True)
    record = Dossier.objects.get(code=code).files.get(kind=DossierFile.Kind.RESULT)
    with record.file.open("rb") as handle:
        content = handle.read()
    store = trust_store()
    verdict = outside_event_loop(lambda: pdf_verify(pdf_bytes=content, store=store))
    assert verdict.verdict == "valid"

    # Reception hands the result back.
    open_from_queue(reception, "to_return", code)
    reception.click("#action-return")
    expect(reception.locator("#dossier-status")).to_have_text("Đã trả kết quả")
    assert Dossier.objects.get(code=code).status == DossierStatus.RESULT_RETURNED
    expect(reception.locator("#timeline")).to_contain_text("UBND TP Sóc Trăng")

    # 390 px: the queue and the dossier page fit the phone.
    phone = reception.context.browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}
    ).new_page()
    for cookie in reception.context.cookies():
        phone.context.add_cookies([cookie])
    for path in ("/backoffice/ho-so/viec-cua-toi/", f"/backoffice/ho-so/{code}/"):
        phone.goto(base + path)
        no_horizontal_scroll(phone)
    phone.screenshot(path=str(ARTIFACTS / "dossier-queue-390.png"), full_page=True)
