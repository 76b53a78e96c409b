"""A clerk decides a recall request on the exchange page in a real browser
(headless Chromium), also at 390 px wide; the sender is told (status 15 queued)."""

import pytest
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Page, expect

from backoffice.exchange.models import ExchangePacket, ExchangeRecall, Peer, PeerAgency
from tests.fixtures.browser import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def test_clerk_agrees_to_a_recall_and_the_page_fits_a_phone(
    live_server, page: Page, office, pkcs12_keys, sender_keys
) -> None:
    peer = Peer.objects.create(
        name="Hệ thống Sóc Trăng",
        base_url="http://127.0.0.1:9",
        certificate_pem=sender_keys[1]
        .public_bytes(serialization.Encoding.PEM)
        .decode(),
    )
    PeerAgency.objects.create(peer=peer, code="000.00.00.H53", name="UBND Sóc Trăng")
    ExchangeRecall.objects.create(
        document_id="000.00.00.H53,2026/11/30,12/UBND-VP",
        peer=peer,
        agency=office.agency,
        sender_code="000.00.00.H53",
        reason="Ban hành nhầm nơi nhận",
    )
    base = live_server.url
    sign_in(page, base, office.clerk)
    page.goto(base + "/backoffice/lien-thong/")
    expect(page.locator("h1")).to_have_text("Liên thông văn bản (edXML)")
    expect(page.locator("#recall-list")).to_contain_text("Ban hành nhầm nơi nhận")

    # Refusing without a reason is refused with a clear message.
    page.get_by_role("button", name="Từ chối").click()
    expect(page.locator(".messages")).to_contain_text("Vui lòng nêu lý do")
    assert ExchangeRecall.objects.get().state == "requested"

    page.get_by_role("button", name="Đồng ý thu hồi").click()
    expect(page.locator(".messages")).to_contain_text("Đã đồng ý thu hồi")
    expect(page.locator("#recall-list .recall-state")).to_contain_text("Đồng ý thu hồi")
    assert ExchangeRecall.objects.get().state == "agreed"
    assert ExchangePacket.objects.filter(status_code="15").count() == 1

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, width
