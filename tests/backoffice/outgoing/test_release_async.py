"""Release signed in the worker (issue 9): the desk asks, the page shows "đang ký"
and polls; a refusing signer leaves the document unnumbered with the reason shown;
a worker dying mid-signing never yields two numbers."""

from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.utils import timezone

import pytest

from backoffice.core.leases import leases_reap
from backoffice.core.models import AuditLogEntry, JobLease, OutboxMessage
from backoffice.core.numbering import register_number_last, register_number_next
from backoffice.outgoing.constants import (
    REGISTER,
    RELEASE_JOB,
    EventKind,
    FileKind,
    OutgoingStatus,
)
from backoffice.outgoing.release import (
    outgoing_release_request,
    outgoing_release_sign,
)
from backoffice.outgoing.services import OutgoingRejected
from backoffice.outgoing.tasks import sign_outgoing_document
from tests.fixtures.databases import postgresql_only


def _last(office) -> int:
    return register_number_last(
        agency=office.agency, register=REGISTER, year=timezone.localdate().year
    )


def _signed(document) -> int:
    return document.files.filter(kind=FileKind.SIGNED).count()


def test_the_request_marks_it_signing_and_queues_the_job_without_a_number(
    office, pkcs12_keys, approved
):
    document = approved(attachments=1)

    asked = outgoing_release_request(document=document, actor=office.clerk)

    assert asked.status == OutgoingStatus.SIGNING
    assert (asked.number, asked.number_symbol) == (None, "")
    assert asked.release_requested_by == office.clerk
    assert _last(office) == 0
    lease = JobLease.objects.get(kind=RELEASE_JOB, object_id=document.pk)
    assert lease.state == JobLease.State.QUEUED
    assert OutboxMessage.objects.filter(task=sign_outgoing_document.name).count() == 1
    assert asked.events.filter(kind=EventKind.RELEASE_REQUESTED).exists()
    assert AuditLogEntry.objects.filter(
        action="outgoingdocument.release_requested"
    ).exists()
    with pytest.raises(OutgoingRejected, match="đang được ký số"):
        outgoing_release_request(document=document, actor=office.clerk)
    assert OutboxMessage.objects.filter(task=sign_outgoing_document.name).count() == 1


def test_the_worker_job_releases_it_once_even_when_the_message_comes_twice(
    office, pkcs12_keys, approved
):
    document = approved(attachments=1)
    outgoing_release_request(document=document, actor=office.clerk)

    assert sign_outgoing_document.apply(args=[document.pk]).get() == "released"
    # The broker delivers the message again (late ack): the lease is done.
    assert sign_outgoing_document.apply(args=[document.pk]).get() is None
    assert outgoing_release_sign(document_id=document.pk) == "skipped"

    document.refresh_from_db()
    assert document.status == OutgoingStatus.RELEASED
    assert document.number_symbol == "01/QĐ-STP"
    assert document.released_by == office.clerk
    assert _last(office) == 1
    assert _signed(document) == 2
    lease = JobLease.objects.get(kind=RELEASE_JOB, object_id=document.pk)
    assert lease.state == JobLease.State.DONE


def test_a_wrong_pin_leaves_it_unnumbered_approved_again_with_the_reason_shown(
    office, token_keys, approved, settings, verified_client
):
    document = approved(attachments=1)
    settings.SIGNING_KEY_PASSWORDS = {"SIGNING_PASSWORD_HSM": "000000"}
    outgoing_release_request(document=document, actor=office.clerk)

    assert sign_outgoing_document.apply(args=[document.pk]).get() == "failed"

    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    assert (document.number, document.number_symbol) == (None, "")
    assert _last(office) == 0
    assert _signed(document) == 0
    assert "Sai mã PIN" in document.release_error
    assert document.events.filter(kind=EventKind.RELEASE_FAILED).count() == 1
    page = verified_client(office.clerk).get(f"/backoffice/van-ban-di/{document.pk}/")
    html = page.content.decode()
    assert 'id="release-error"' in html and "Sai mã PIN" in html
    assert 'id="release"' in html  # the clerk may try again

    settings.SIGNING_KEY_PASSWORDS = {"SIGNING_PASSWORD_HSM": token_keys.pin}
    outgoing_release_request(document=document, actor=office.clerk)
    assert sign_outgoing_document.apply(args=[document.pk]).get() == "released"
    document.refresh_from_db()
    assert (document.number, document.release_error) == (1, "")


def test_a_check_that_no_longer_holds_reopens_it_with_the_reason(
    office, pkcs12_keys, approved
):
    from backoffice.signatures.models import StaffSigningKey

    document = approved(attachments=0)
    outgoing_release_request(document=document, actor=office.clerk)
    StaffSigningKey.objects.filter(user=office.leader).update(is_active=False)

    assert outgoing_release_sign(document_id=document.pk) == "failed"

    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    assert "không còn chữ ký số cá nhân" in document.release_error
    assert _last(office) == 0


def test_a_worker_dying_mid_signing_is_replaced_and_gives_one_number(
    office,
    pkcs12_keys,
    approved,
    celery_eager,
    django_capture_on_commit_callbacks,
):
    document = approved(attachments=0)
    outgoing_release_request(document=document, actor=office.clerk)
    # The first worker took the lease and the number, then was killed before its
    # transaction committed: the database rolls the number back, the lease stays
    # "running" until it runs out.
    JobLease.objects.filter(kind=RELEASE_JOB, object_id=document.pk).update(
        state=JobLease.State.RUNNING,
        holder="dead-host:1",
        expires_at=timezone.now() - timezone.timedelta(seconds=1),
        runs=1,
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        register_number_next(
            agency=office.agency,
            register=REGISTER,
            year=timezone.localdate().year,
            series="",
        )
        raise RuntimeError("worker killed")
    assert _last(office) == 0

    with django_capture_on_commit_callbacks(execute=True):
        reaped = leases_reap()

    assert reaped.requeued == [f"{RELEASE_JOB} #{document.pk}"]
    document.refresh_from_db()
    assert document.status == OutgoingStatus.RELEASED
    assert document.number == 1
    # The dead worker's message comes back once more: nothing happens.
    assert sign_outgoing_document.apply(args=[document.pk]).get() is None
    assert _last(office) == 1
    assert _signed(document) == 1


def test_a_job_given_up_by_the_reaper_reopens_the_document(
    office, pkcs12_keys, approved, settings
):
    settings.LEASE_MAX_REQUEUES = 0
    document = approved(attachments=0)
    outgoing_release_request(document=document, actor=office.clerk)
    JobLease.objects.filter(kind=RELEASE_JOB, object_id=document.pk).update(
        state=JobLease.State.RUNNING,
        holder="dead-host:1",
        expires_at=timezone.now() - timezone.timedelta(seconds=1),
    )

    assert leases_reap().failed == [f"{RELEASE_JOB} #{document.pk}"]

    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    assert document.number is None
    assert "Ký số bị gián đoạn" in document.release_error


def test_an_unexpected_error_never_leaves_it_signing(
    office, pkcs12_keys, approved, monkeypatch
):
    from backoffice.outgoing import release

    document = approved(attachments=0)
    outgoing_release_request(document=document, actor=office.clerk)

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(release, "outgoing_release_sign", broken)
    assert sign_outgoing_document.apply(args=[document.pk]).get() == "failed"

    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    assert document.number is None
    assert "lỗi hệ thống: disk on fire" in document.release_error


def test_the_page_polls_while_signing_and_the_status_answers(
    office, pkcs12_keys, approved, verified_client
):
    document = approved(attachments=0)
    clerk = verified_client(office.clerk)
    url = f"/backoffice/van-ban-di/{document.pk}/"

    done = clerk.post(url + "thao-tac/", {"action": "release"})
    assert done.status_code == 302
    page = clerk.get(url).content.decode()
    assert 'id="release-progress"' in page and 'aria-live="polite"' in page
    assert "outgoing/release.js" in page
    assert 'id="release"' not in page  # no second request while signing
    assert 'id="cancel-form"' not in page  # nor a cancel the status table refuses
    status = clerk.get(url + "trang-thai-phat-hanh/").json()
    assert status["signing"] is True and status["status"] == "signing"

    sign_outgoing_document.apply(args=[document.pk])
    status = clerk.get(url + "trang-thai-phat-hanh/").json()
    assert status["signing"] is False
    assert status["number_symbol"] == "01/QĐ-STP"
    assert status["status_label"] == "Đã phát hành"


def test_someone_else_cannot_ask_nor_read_the_status(
    office, pkcs12_keys, approved, verified_client
):
    from django.core.exceptions import PermissionDenied

    document = approved(attachments=0)
    with pytest.raises(PermissionDenied):
        outgoing_release_request(document=document, actor=office.specialist)
    document.refresh_from_db()
    assert document.status == OutgoingStatus.APPROVED
    assert not JobLease.objects.filter(kind=RELEASE_JOB).exists()
    outsider = verified_client(office.other_leader)
    response = outsider.get(
        f"/backoffice/van-ban-di/{document.pk}/trang-thai-phat-hanh/"
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
@postgresql_only
def test_two_workers_signing_one_document_at_once_take_one_number(
    office, pkcs12_keys, approved
):
    documents = [approved(attachments=0) for _ in range(3)]
    for document in documents:
        outgoing_release_request(document=document, actor=office.clerk)

    def run(document_id: int) -> str:
        try:
            return outgoing_release_sign(document_id=document_id)
        finally:
            connection.close()

    # A lease that ran out while its worker was only slow: two runs at once.
    twice = [d.pk for d in documents] * 2
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(run, twice))

    assert sorted(results) == ["released"] * 3 + ["skipped"] * 3
    assert _last(office) == 3
    numbers = sorted(type(documents[0]).objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3]
