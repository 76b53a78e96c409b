"""The ward leader transfers a dossier to an agency of another installation in
a real browser (headless Chromium): the agency is offered under "Hệ thống
khác", the dossier page then shows who holds it and the state reported by the
other installation, also at 390 px wide."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Page, expect

from backoffice.core.models import Agency
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.processing_models import DossierRemoteTransfer
from backoffice.exchange.models import ExchangePacket, Peer, PeerAgency
from backoffice.exchange.status_packet import StatusReport, status_sign
from backoffice.exchange.statuses import status_receive
from tests.fixtures.browser import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

REMOTE = "000.00.00.H60"


def test_leader_transfers_to_another_installation_and_sees_its_state(
    live_server, page: Page, accepted, desk, agency_pki, sender_keys
) -> None:
    peer = Peer.objects.create(
        name="Hệ thống Cần Thơ",
        base_url="http://127.0.0.1:9",
        certificate_pem=sender_keys[1]
        .public_bytes(serialization.Encoding.PEM)
        .decode(),
    )
    PeerAgency.objects.create(peer=peer, code=REMOTE, name="UBND TP Cần Thơ")
    Agency.objects.create(code=REMOTE, name="UBND TP Cần Thơ")
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)

    base = live_server.url
    sign_in(page, base, desk.leader)
    page.goto(f"{base}/backoffice/ho-so/{accepted.code}/")
    group = page.locator(
        '#transfer-agency optgroup[label="Hệ thống khác — Hệ thống Cần Thơ"]'
    )
    expect(group.locator("option")).to_have_text("UBND TP Cần Thơ (hệ thống khác)")
    page.select_option("#transfer-agency", label="UBND TP Cần Thơ (hệ thống khác)")
    page.fill("#transfer-days", "3")
    page.fill("#transfer-note", "Đề nghị xác minh")
    page.click("#action-transfer")

    expect(page.locator("#agency-now")).to_contain_text("UBND TP Cần Thơ")
    expect(page.locator(".remote-transfer .remote-state")).to_have_text(
        "Đang gửi sang hệ thống khác"
    )
    transfer = DossierRemoteTransfer.objects.get()
    assert ExchangePacket.objects.filter(document_id=transfer.document_id).exists()

    status_receive(
        status_sign(
            StatusReport(
                organ_id=REMOTE,
                document_id=transfer.document_id,
                code="03",
                description="000.00.00.H60-20261201-0000009",
                timestamp=dt.datetime(2026, 12, 1, 9, 0, 0),
            ),
            key=sender_keys[0],
            certificate=sender_keys[1],
        )
    )
    page.reload()
    expect(page.locator(".remote-transfer .remote-state")).to_have_text(
        "Hệ thống khác đã tiếp nhận"
    )
    expect(page.locator(".remote-transfer")).to_contain_text(
        "000.00.00.H60-20261201-0000009"
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, width
