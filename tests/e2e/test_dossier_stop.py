"""Form 05 in the browser: the ward leader stops a dossier in processing with a
reason (first trying without one); the citizen's dossier page then shows the
reason and the signed form 05, with no appointment date — also at 390 px."""

import pytest
from playwright.sync_api import Browser, expect

from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.constants import Channel, DossierStatus
from backoffice.dossiers.handling import dossier_accept
from backoffice.dossiers.models import Dossier, DossierFile
from backoffice.dossiers.services import Applicant, dossier_submit
from backoffice.signatures.event_loop import outside_event_loop
from backoffice.signatures.verification import pdf_verify, trust_store
from tests.e2e.conftest import ARTIFACTS
from tests.fixtures.browser import no_horizontal_scroll, person, sign_in_citizen
from tests.fixtures.citizens import citizen
from tests.fixtures.dossier_desk import desk  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

REASON = "Quá thời hạn bổ sung hồ sơ mà người nộp không bổ sung."


def test_a_leader_stops_a_dossier_and_the_citizen_sees_form_05(
    live_server,
    browser: Browser,
    desk,  # noqa: F811 — the fixture imported above
    birth_registration,
    agency_tree,
    complete_files,
    agency_pki,
) -> None:
    base = live_server.url
    alice = citizen("alice@example.vn")
    dossier = dossier_submit(
        procedure=birth_registration,
        agency=agency_tree["ward"],
        channel=Channel.ONLINE,
        applicant=Applicant(
            name="Trần Thị Alice",
            id_number="094095001234",
            email=alice.email,
            phone="0912345678",
        ),
        files=complete_files,
        owner=alice,
    )
    dossier_accept(dossier=dossier, actor=desk.reception)
    dossier_assign(dossier=dossier, actor=desk.leader, assignee=desk.specialist)
    code = dossier.code

    # The specialist is not offered the stop.
    specialist = person(browser, base, desk.specialist)
    specialist.goto(f"{base}/backoffice/ho-so/{code}/")
    expect(specialist.locator("#dossier-code")).to_have_text(code)
    expect(specialist.locator("#action-stop")).to_have_count(0)

    # The ward leader: no reason is refused by the browser and, posted anyway,
    # by the server; then with the reason the dossier stops with form 05.
    leader = person(browser, base, desk.leader)
    leader.goto(f"{base}/backoffice/ho-so/{code}/")
    expect(leader.locator("#form-stop")).to_contain_text("mẫu 05")
    leader.evaluate(
        "document.querySelector('#stop-reason').removeAttribute('required')"
    )
    leader.fill("#stop-reason", "   ")
    leader.click("#action-stop")
    expect(leader.locator("body")).to_contain_text("Hãy ghi rõ lý do dừng xử lý hồ sơ.")
    expect(leader.locator("#dossier-status")).to_have_text("Đang xử lý")
    leader.fill("#stop-reason", REASON)
    leader.click("#action-stop")
    expect(leader.locator("#dossier-status")).to_have_text("Dừng xử lý")
    expect(leader.locator("#files tr.file-form")).to_contain_text(
        f"mau-05-dung-xu-ly-{code}.pdf"
    )
    expect(leader.locator("#action-stop")).to_have_count(0)
    expect(leader.locator("#timeline")).to_contain_text(REASON)
    stopped = Dossier.objects.get(code=code)
    assert stopped.status == DossierStatus.STOPPED
    form = stopped.files.get(
        kind=DossierFile.Kind.FORM, original_name__startswith="mau-05-"
    )
    with form.file.open("rb") as handle:
        content = handle.read()
    store = trust_store()
    verdict = outside_event_loop(lambda: pdf_verify(pdf_bytes=content, store=store))
    assert verdict.verdict == "valid"

    # The citizen, on a phone: the reason, form 05, no appointment date.
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in_citizen(page, base, alice.email)
    page.goto(f"{base}/ho-so-cua-toi/{code}/")
    expect(page.locator("#outcome")).to_contain_text("Hồ sơ bị dừng xử lý")
    expect(page.locator("#outcome-reason")).to_have_text(REASON)
    expect(page.locator("#dossier-due")).to_have_count(0)
    no_horizontal_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "citizen-stopped-390.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#outcome-form").click()
    assert download.value.suggested_filename == f"mau-05-dung-xu-ly-{code}.pdf"
    assert download.value.path().read_bytes() == content
    context.close()
