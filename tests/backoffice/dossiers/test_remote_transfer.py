"""Transfer to an agency of another installation, the dossier side: the channel
registry, the hand-over (held by the remote agency), what comes back (states,
refusal, result), and the receiving side (a local dossier in the receiving
agency's queues, its result sent back when its leader approves)."""

from django.core.exceptions import ValidationError

import pytest

from backoffice.core.models import Agency, AuditLogEntry
from backoffice.dossiers.approval import dossier_proposal_approve, dossier_propose
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import Dossier, DossierFile, DossierStep
from backoffice.dossiers.process import dossier_agency_now
from backoffice.dossiers.processing_models import (
    DossierRemoteOrigin,
    DossierRemoteTransfer,
)
from backoffice.dossiers.queues import staff_queues
from backoffice.dossiers.remote_transfer import (
    RemoteFile,
    RemoteTransferRefused,
    remote_dossier_receive,
    remote_result,
    remote_transfer_channel,
    remote_transfer_channel_register,
    remote_transfer_status,
    remote_transfer_take_back,
)
from backoffice.dossiers.transfer import dossier_transfer, transfer_targets
from tests.fixtures.dossiers import checked_upload
from tests.fixtures.signatures import make_pdf

pytestmark = pytest.mark.django_db

REMOTE_CODE = "000.00.00.H60"
SYSTEM = "Hệ thống Cần Thơ"


class RecordingChannel:
    """A channel that records what dossiers asks of it (the edXML one is
    tested in tests/backoffice/exchange/test_dossier_transfer.py)."""

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.sent: list[tuple[int, list[str]]] = []
        self.progress: list[tuple[str, str]] = []
        self.results: list[int] = []

    def reaches(self, agency: Agency) -> bool:
        return agency.code == REMOTE_CODE

    def unavailable_reason(self, agency: Agency) -> str:
        return (
            "Hệ thống liên thông đang ngừng kết nối" if agency.code in self.down else ""
        )

    def system_name(self, agency: Agency) -> str:
        return SYSTEM

    def remote_agencies(self) -> list[Agency]:
        found = list(Agency.objects.filter(code=REMOTE_CODE))
        for agency in found:
            agency.remote_system = SYSTEM
        return found

    def transfer_send(self, *, transfer, files) -> str:
        self.sent.append((transfer.pk, [f.sha256 for f in files]))
        return f"doc-{transfer.pk}"

    def progress_send(self, *, origin, event: str, description: str = "") -> None:
        self.progress.append((event, description))

    def result_send(self, *, origin_id: int) -> None:
        self.results.append(origin_id)


@pytest.fixture
def channel():
    before = remote_transfer_channel()
    recording = RecordingChannel()
    remote_transfer_channel_register(recording)
    yield recording
    remote_transfer_channel_register(before)


@pytest.fixture
def remote(db) -> Agency:
    return Agency.objects.create(code=REMOTE_CODE, name="UBND thành phố Cần Thơ")


@pytest.fixture
def assigned(accepted, desk):
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    return accepted


def _send(dossier, desk, remote, days: int = 3) -> DossierRemoteTransfer:
    step = dossier_transfer(
        dossier=dossier,
        actor=desk.leader,
        to_agency=remote,
        days=days,
        note="Xác minh hộ khẩu",
    )
    return step.remote_transfer


def test_the_registry_holds_the_registered_channel(channel) -> None:
    assert remote_transfer_channel() is channel
    other = RecordingChannel()
    remote_transfer_channel_register(other)
    assert remote_transfer_channel() is other


def test_the_exchange_registers_its_edxml_channel_at_start_up() -> None:
    from backoffice.exchange.dossier_transfer import EdxmlTransferChannel

    assert isinstance(remote_transfer_channel(), EdxmlTransferChannel)


def test_transfer_targets_list_remote_agencies_with_their_system(
    channel, assigned, desk, remote, agency_tree
) -> None:
    targets = transfer_targets(dossier=assigned, holder=agency_tree["ward"])
    assert [a.code for a in targets] == [agency_tree["city"].code, REMOTE_CODE]
    assert targets[-1].remote_system == SYSTEM
    assert targets[0].remote_system == ""


def test_a_remote_transfer_is_held_by_the_remote_agency_and_comes_back(
    channel, assigned, desk, remote, agency_tree
) -> None:
    ward = agency_tree["ward"]
    transfer = _send(assigned, desk, remote)

    assert dossier_agency_now(dossier=assigned) == remote
    assert transfer.state == DossierRemoteTransfer.State.SENDING
    assert transfer.document_id == f"doc-{transfer.pk}"
    assert transfer.step.kind == DossierStep.Kind.TRANSFER
    # Every file of the dossier went, by hash.
    sent_hashes = channel.sent[0][1]
    assert sorted(sent_hashes) == sorted(
        assigned.files.values_list("sha256", flat=True)
    )
    assert AuditLogEntry.objects.filter(action="dossier.remote_transfer_sent").exists()

    remote_transfer_status(document_id=transfer.document_id, event="arrived")
    remote_transfer_status(
        document_id=transfer.document_id, event="registered", description="B-0001"
    )
    remote_transfer_status(
        document_id=transfer.document_id, event="processing", description="CV B"
    )
    # A late "arrived" does not move the state back.
    remote_transfer_status(document_id=transfer.document_id, event="arrived")
    transfer.refresh_from_db()
    assert transfer.state == DossierRemoteTransfer.State.PROCESSING
    assert transfer.remote_code == "B-0001"
    assert [e["event"] for e in transfer.events] == [
        "arrived",
        "registered",
        "processing",
        "arrived",
    ]

    result_pdf = make_pdf(["XÁC NHẬN CƯ TRÚ"])
    taken, created = remote_transfer_take_back(
        document_id=transfer.document_id,
        sender_code=REMOTE_CODE,
        result={
            "outcome": "approve",
            "note": "Đã xác minh",
            "decided_by": "Lãnh đạo B",
            "decided_at": "2026-12-01T10:00:00+07:00",
            "code": "B-0001",
        },
        files=[RemoteFile("xac-nhan.pdf", result_pdf, "application/pdf")],
    )

    assert created and taken.state == DossierRemoteTransfer.State.RETURNED
    assert dossier_agency_now(dossier=assigned) == ward
    back = assigned.steps.get(state="active")
    assert back.kind == DossierStep.Kind.RETURN and back.assignee == desk.specialist
    stored = assigned.files.get(original_name="xac-nhan.pdf")
    assert stored.kind == DossierFile.Kind.RESULT
    with stored.file.open("rb") as handle:
        assert handle.read() == result_pdf
    event = assigned.events.order_by("-pk").first()
    timeline = " ".join(assigned.events.values_list("note", flat=True))
    assert "Lãnh đạo B" in timeline and "Đã xác minh" in timeline
    assert "01/12/2026 10:00" in timeline and "B-0001" in timeline
    assert event is not None

    # The same result again changes nothing.
    files = assigned.files.count()
    again, created = remote_transfer_take_back(
        document_id=transfer.document_id,
        sender_code=REMOTE_CODE,
        result={"outcome": "approve"},
        files=[RemoteFile("xac-nhan.pdf", result_pdf, "application/pdf")],
    )
    assert not created and assigned.files.count() == files


def test_a_result_from_another_agency_or_for_an_unknown_transfer_is_refused(
    channel, assigned, desk, remote
) -> None:
    transfer = _send(assigned, desk, remote)
    files = assigned.files.count()
    for document_id, sender in (
        (transfer.document_id, "000.00.99.H60"),
        ("doc-none", REMOTE_CODE),
    ):
        with pytest.raises(RemoteTransferRefused, match="Không có hồ sơ liên thông"):
            remote_transfer_take_back(
                document_id=document_id,
                sender_code=sender,
                result={"outcome": "approve"},
                files=[RemoteFile("x.pdf", b"%PDF-1.4 x", "application/pdf")],
            )
    assert assigned.files.count() == files
    assert dossier_agency_now(dossier=assigned) == remote


def test_a_refusal_brings_the_dossier_back_with_its_reason(
    channel, assigned, desk, remote, agency_tree
) -> None:
    transfer = _send(assigned, desk, remote)
    remote_transfer_status(
        document_id=transfer.document_id,
        event="refused",
        description="Hệ thống này không có thủ tục 1.001193",
    )
    transfer.refresh_from_db()
    assert transfer.state == DossierRemoteTransfer.State.REFUSED
    assert "không có thủ tục" in transfer.reason
    assert (
        dossier_agency_now(dossier=agency_tree["ward"].dossiers.get())
        == (agency_tree["ward"])
    )
    step = DossierStep.objects.get(pk=transfer.step_id)
    assert step.state == DossierStep.State.DONE and "không có thủ tục" in step.note
    back = assigned.steps.get(state="active")
    assert back.kind == DossierStep.Kind.RETURN and back.assignee == desk.specialist
    assert assigned.events.filter(note__contains="từ chối tiếp nhận").exists()
    # A result after the refusal cannot take it a second time.
    with pytest.raises(RemoteTransferRefused, match="đã bị từ chối"):
        remote_transfer_take_back(
            document_id=transfer.document_id,
            sender_code=REMOTE_CODE,
            result={},
            files=[],
        )


def test_a_transfer_to_an_unreachable_system_or_bad_days_changes_nothing(
    channel, assigned, desk, remote
) -> None:
    steps = list(assigned.steps.values_list("pk", "state", "agency_id"))
    audit = AuditLogEntry.objects.count()
    channel.down.add(REMOTE_CODE)
    with pytest.raises(ValidationError, match="ngừng kết nối"):
        _send(assigned, desk, remote)
    channel.down.clear()
    for days in (0, 366):
        with pytest.raises(ValidationError, match="từ 1 đến 365"):
            _send(assigned, desk, remote, days=days)
    assert list(assigned.steps.values_list("pk", "state", "agency_id")) == steps
    assert AuditLogEntry.objects.count() == audit
    assert not DossierRemoteTransfer.objects.exists() and channel.sent == []


# --- the receiving side ----------------------------------------------------


def _data(birth_registration, **changes):
    data = {
        "code": "000.00.00.H60-20261201-0000001",
        "procedure_code": birth_registration.code,
        "procedure_name": birth_registration.name,
        "applicant": {
            "applicant_name": "Trần Thị Bình",
            "applicant_type": "citizen",
            "applicant_id_number": "092095001234",
            "applicant_phone": "0912000111",
        },
        "days": 2,
        "note": "Đề nghị xác nhận",
    }
    return data | changes


def _receive(agency_tree, data, document_id="A,2026/12/01,X/HSLT-1"):
    return remote_dossier_receive(
        agency=agency_tree["ward"],
        peer_id=7,
        system=SYSTEM,
        origin_agency=(REMOTE_CODE, "UBND thành phố Cần Thơ"),
        document_id=document_id,
        data=data,
        files=[
            RemoteFile("to-khai.pdf", make_pdf(["TỜ KHAI"]), "application/pdf"),
            RemoteFile("ghi-chu.txt", "ghi chú".encode(), "text/plain"),
        ],
    )


def _queue(user, key: str) -> list[str]:
    for queue in staff_queues(user=user):
        if queue.key == key:
            return [d.code for d in queue.dossiers]
    return []


def test_a_received_dossier_is_held_by_the_receiving_agency(
    channel, desk, agency_tree, birth_registration
) -> None:
    dossier, created = _receive(agency_tree, _data(birth_registration))

    assert created and dossier.status == DossierStatus.ACCEPTED
    assert dossier.agency == agency_tree["ward"]
    step = dossier.steps.get()
    assert (step.kind, step.state, step.days) == ("transfer", "active", 2)
    assert dossier_agency_now(dossier=dossier) == agency_tree["ward"]
    origin = DossierRemoteOrigin.objects.get(dossier=dossier)
    assert origin.origin_code == "000.00.00.H60-20261201-0000001"
    assert origin.peer_id == 7
    assert sorted(dossier.files.values_list("original_name", flat=True)) == [
        "ghi-chu.txt",
        "to-khai.pdf",
    ]
    assert dossier.applicant_name == "Trần Thị Bình"
    assert channel.progress == [("arrived", ""), ("registered", dossier.code)]
    assert dossier.code in _queue(desk.leader, "to_assign")

    # The same dossier again (even under another DocumentId) is not a second one.
    again, created = _receive(
        agency_tree, _data(birth_registration), document_id="A,2026/12/01,X/HSLT-2"
    )
    assert again == dossier and not created
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"procedure_code": "9.999999"}, "không có thủ tục 9.999999"),
        ({"days": 0}, "từ 1 đến 365"),
        ({"applicant": {"applicant_name": "X"}}, "không hợp lệ"),
    ],
)
def test_a_transfer_the_receiver_cannot_take_is_refused_with_nothing_kept(
    channel, desk, agency_tree, birth_registration, changes, message
) -> None:
    files = DossierFile.objects.count()
    with pytest.raises(RemoteTransferRefused, match=message):
        _receive(agency_tree, _data(birth_registration, **changes))
    assert not Dossier.objects.exists() and DossierFile.objects.count() == files
    assert not DossierRemoteOrigin.objects.exists() and channel.progress == []


def test_an_agency_not_handling_the_procedure_refuses(
    channel, agency_tree, birth_registration
) -> None:
    with pytest.raises(RemoteTransferRefused, match="không thực hiện thủ tục"):
        remote_dossier_receive(
            agency=agency_tree["ict"],
            peer_id=7,
            system=SYSTEM,
            origin_agency=(REMOTE_CODE, ""),
            document_id="doc",
            data=_data(birth_registration),
            files=[],
        )
    assert not Dossier.objects.exists()


def test_the_receivers_approval_sends_the_result_back(
    channel, desk, agency_tree, birth_registration, agency_pki
) -> None:
    dossier, _created = _receive(agency_tree, _data(birth_registration))
    dossier_assign(dossier=dossier, actor=desk.leader, assignee=desk.specialist)
    assert channel.progress[-1] == ("processing", desk.specialist.get_full_name())
    dossier_propose(
        dossier=dossier,
        actor=desk.specialist,
        outcome="approve",
        note="Đã xác nhận",
        files=[checked_upload(make_pdf(["XÁC NHẬN"]), name="xac-nhan.pdf")],
    )
    assert channel.results == []
    dossier_proposal_approve(dossier=dossier, actor=desk.leader)

    origin = DossierRemoteOrigin.objects.get(dossier=dossier)
    assert channel.results == [origin.pk]
    result, files = remote_result(origin=origin)
    assert result["outcome"] == "approve" and result["note"] == "Đã xác nhận"
    assert result["decided_by"] == desk.leader.get_full_name()
    assert result["origin_code"] == origin.origin_code
    names = [f.original_name for f in files]
    assert "xac-nhan.pdf" in names and any(n.startswith("mau-06-") for n in names)


def test_the_staff_page_offers_remote_agencies_and_shows_the_remote_state(
    channel, assigned, desk, remote, verified_client, client
) -> None:
    page = verified_client(desk.leader)
    url = f"/backoffice/ho-so/{assigned.code}/"
    html = page.get(url).content.decode()
    assert f'<optgroup label="Hệ thống khác — {SYSTEM}">' in html
    assert f'<option value="{remote.pk}" class="remote-agency">' in html

    answer = page.post(
        f"/backoffice/ho-so/{assigned.code}/thao-tac/",
        {"action": "transfer", "agency": remote.pk, "days": 2, "note": "Phối hợp"},
    )
    assert answer.status_code == 302
    transfer = DossierRemoteTransfer.objects.get()
    remote_transfer_status(
        document_id=transfer.document_id, event="registered", description="B-7"
    )
    html = page.get(url).content.decode()
    assert 'id="remote-transfer-' in html
    assert "Hệ thống khác đã tiếp nhận" in html and "B-7" in html
    assert f'id="agency-now">{remote.name}' in html
    body = client.get(
        f"/api/v1/dossiers/{assigned.code}/status",
        HTTP_X_LOOKUP_SECRET=assigned.lookup_secret,
    ).json()
    assert body["agency_now"] == {"code": REMOTE_CODE, "name": remote.name}

    remote_transfer_status(
        document_id=transfer.document_id, event="refused", description="Sai thủ tục"
    )
    html = page.get(url).content.decode()
    assert "Hệ thống khác từ chối tiếp nhận" in html and "Sai thủ tục" in html


def test_the_receivers_page_names_the_origin(
    channel, desk, agency_tree, birth_registration, verified_client
) -> None:
    dossier, _created = _receive(agency_tree, _data(birth_registration))
    html = (
        verified_client(desk.leader)
        .get(f"/backoffice/ho-so/{dossier.code}/")
        .content.decode()
    )
    assert 'id="remote-origin"' in html
    assert "mã hồ sơ gốc 000.00.00.H60-20261201-0000001" in html
