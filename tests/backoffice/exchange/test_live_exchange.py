"""Two live installations exchange a document, acknowledge it, recall it, and
survive the receiver being down (issue 12). No mock of the other side: A and B
are two gunicorn processes with their own databases and keys (live.py)."""

import time

import pytest

from .live import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_a_document_goes_from_a_to_b_and_the_status_comes_back(installations):
    a, b = installations
    sent = a.op(
        "send",
        **{"from": a.code, "to": b.code, "number": 101, "subject": "V/v liên thông"},
    )
    document_id = sent["document_id"]
    assert document_id.startswith(f"{a.code},"), (sent, a.last_stderr)
    assert [p["state"] for p in sent["packets"]] == ["sent"], (
        sent,
        a.last_stderr,
        b.log(),
    )

    desk = b.op("desk")
    arrived = [d for d in desk["documents"] if d["source_ref"] == document_id]
    assert len(arrived) == 1
    document = arrived[0]
    assert document["status"] == "received"
    assert document["number_symbol"] == "101/UBND-VP"
    assert document["issuer_code"] == a.code
    assert document["files"] == ["cong-van.pdf", "phu-luc.pdf"]

    # 01 arrived came back on receipt; 03 after B's clerk registers it.
    assert "01" in a.op("state", outgoing=sent["outgoing"])["statuses"]
    registered = b.op("register", id=document["id"])
    assert registered["status"] == "registered"
    state = wait_until(
        lambda: (
            (s := a.op("state", outgoing=sent["outgoing"]))["statuses"][-1:] == ["03"]
            and s
        ),
        what="status 03 at A",
    )
    assert state["statuses"] == ["01", "03"]
    assert state["delivery"]["status"] == "acknowledged"
    assert str(registered["number"]) in state["delivery"]["ack_note"]

    # The same packet delivered again is stored once and answered as success.
    content = a.query(
        "SELECT content FROM exchange_exchangepacket WHERE id = %s",
        (sent["packets"][0]["pk"],),
    )[0][0]
    status, body = b.post("exchange/v1/packets/", bytes(content))
    assert (status, body["accepted"], body["duplicate"]) == (200, True, True)
    desk = b.op("desk")
    assert [d["source_ref"] for d in desk["documents"]].count(document_id) == 1


def test_recall_asked_by_a_and_agreed_by_b_freezes_the_document(installations):
    a, b = installations
    sent = a.op(
        "send",
        **{"from": a.code, "to": b.code, "number": 102, "subject": "V/v thu hồi"},
    )
    document_id = sent["document_id"]
    a.op("recall", outgoing=sent["outgoing"], reason="Ban hành nhầm nơi nhận")
    desk = b.op("desk")
    recalls = [r for r in desk["recalls"] if r["document_id"] == document_id]
    assert [r["state"] for r in recalls] == ["requested"]
    assert "13" in a.op("state", outgoing=sent["outgoing"])["statuses"]

    assert b.op("decide", document_id=document_id, agree=True)["state"] == "agreed"
    state = a.op("state", outgoing=sent["outgoing"])
    assert state["statuses"][-1] == "15"
    desk = b.op("desk")
    kept = [d for d in desk["documents"] if d["source_ref"] == document_id]
    assert len(kept) == 1  # recalled, not deleted: metadata and files kept
    assert kept[0]["files"] == ["cong-van.pdf", "phu-luc.pdf"]
    assert kept[0]["recalled"] is True  # frozen on B's desk
    assert [r["state"] for r in desk["recalls"] if r["document_id"] == document_id] == [
        "agreed"
    ]


def test_the_receiver_down_then_up_gets_the_document_exactly_once(installations):
    a, b = installations
    b.stop()
    try:
        sent = a.op(
            "send",
            **{"from": a.code, "to": b.code, "number": 103, "subject": "V/v mất mạng"},
        )
        packet = sent["packets"][0]
        assert packet["state"] == "queued"
        assert packet["attempts"] == 1
        assert "Không gửi được" in packet["last_error"]
        # The sweep while B is still down: another try, still queued.
        time.sleep(0.5)
        a.manage("exchange_send_due")
        packet = a.op("state", outgoing=sent["outgoing"])["packets"][0]
        assert (packet["state"], packet["attempts"]) == ("queued", 2)
    finally:
        b.start()
    time.sleep(0.5)
    a.manage("exchange_send_due")
    a.manage("exchange_send_due")  # a second sweep sends nothing twice
    state = a.op("state", outgoing=sent["outgoing"])
    assert [p["state"] for p in state["packets"]] == ["sent"]
    assert state["statuses"] == ["01"]
    desk = b.op("desk")
    document_id = state["document_id"]
    assert [d["source_ref"] for d in desk["documents"]].count(document_id) == 1
    rows = b.query(
        "SELECT count(*) FROM exchange_exchangepacket WHERE direction = 'in' "
        "AND document_id = %s",
        (document_id,),
    )
    assert rows[0][0] == 1
