"""A dossier transferred between two live installations over edXML (issue 13):
A (Sóc Trăng) hands a dossier to an agency of B (Cần Thơ) for one step; B's
staff process it and its leader approves; the result comes back to A with the
same assignee, and every file arrives byte-identical. A procedure B lacks is
refused with status 02 and the dossier stays with A. No mock of either side:
two gunicorn processes with their own databases and keys (live.py)."""

import pytest

from .live import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PROCEDURE = "1.001193"
ONLY_AT_A = "2.000635"


@pytest.fixture(scope="module")
def desks(installations):
    a, b = installations
    a.op("dossier_setup", agency=a.code, prefix="a", procedures=[PROCEDURE, ONLY_AT_A])
    b.op("dossier_setup", agency=b.code, prefix="b", procedures=[PROCEDURE])
    return a, b


def test_a_dossier_goes_to_b_is_processed_there_and_comes_back(desks):
    a, b = desks
    sent = a.op(
        "dossier_send",
        procedure=PROCEDURE,
        agency=a.code,
        to=b.code,
        prefix="a",
        days=3,
        note="Đề nghị xác minh nơi cư trú",
    )
    code = sent["code"]
    assert sent["agency_now"] == b.code, (sent, a.last_stderr)
    assert sent["active_step"]["kind"] == "transfer"
    originals = {
        f["name"]: f["sha256"] for f in sent["files"] if f["kind"] == "submitted"
    }

    # B has its own dossier for it, held by B's agency, files byte-identical.
    received = wait_until(
        lambda: (r := b.op("dossier_show", origin_code=code))["found"] and r,
        what="the dossier at B",
    )
    assert received["agency_now"] == b.code
    assert received["active_step"] == {"kind": "transfer", "assignee": None}
    assert {f["name"]: f["sha256"] for f in received["files"]} == originals
    # A sees that B took it in, with B's code.
    state = wait_until(
        lambda: (
            (s := a.op("dossier_show", code=code))["transfer"]["state"] == "registered"
            and s
        ),
        what="status 03 at A",
    )
    assert state["transfer"]["remote_code"] == received["code"]

    processed = b.op(
        "dossier_process", origin_code=code, prefix="b", note="Đã xác minh đúng"
    )
    assert processed["queued"], "B's leader saw it in the queue to assign"
    assert processed["origin"]["returned"], (processed, b.last_stderr)
    # B's signed result and its form 06 travel back byte-identical.
    results = {
        f["name"]: f["sha256"]
        for f in processed["files"]
        if f["kind"] in ("result", "form")
    }
    assert "ket-qua-b.pdf" in results

    back = wait_until(
        lambda: (
            (s := a.op("dossier_show", code=code))["transfer"]["state"] == "returned"
            and s
        ),
        what="the result back at A",
    )
    assert back["agency_now"] == a.code
    assert back["active_step"] == {"kind": "return", "assignee": "a-cv"}
    assert "processing" in back["transfer"]["events"]
    assert "done" in back["transfer"]["events"]
    assert back["transfer"]["result_note"] == "Đã xác minh đúng"
    assert "b" in back["transfer"]["result_by"].lower()
    at_a = {f["name"]: f["sha256"] for f in back["files"] if f["kind"] == "result"}
    assert at_a == results
    assert any("Đã xác minh đúng" in note for note in back["events"])


def test_a_procedure_b_does_not_have_is_refused_and_the_dossier_stays_at_a(desks):
    a, b = desks
    before = b.op("dossier_show", code="none")["dossiers"]
    sent = a.op(
        "dossier_send",
        procedure=ONLY_AT_A,
        agency=a.code,
        to=b.code,
        prefix="a",
        days=2,
    )
    code = sent["code"]
    state = wait_until(
        lambda: (
            (s := a.op("dossier_show", code=code))["transfer"]["state"] == "refused"
            and s
        ),
        what="the refusal at A",
    )
    assert ONLY_AT_A in state["transfer"]["reason"]
    assert state["agency_now"] == a.code
    assert state["active_step"] == {"kind": "return", "assignee": "a-cv"}
    assert any("từ chối tiếp nhận" in note for note in state["events"])
    assert not b.op("dossier_show", origin_code=code)["found"]
    assert b.op("dossier_show", code="none")["dossiers"] == before
