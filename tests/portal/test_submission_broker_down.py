"""Online submission with the broker down: one dossier, no error, work kept (issue 8.1)."""

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from backoffice.core.models import OutboxMessage
from backoffice.core.outbox import outbox_send
from backoffice.dossiers.models import Dossier, SubmissionDraft
from tests.fixtures.citizens import citizen, signed_in
from tests.fixtures.uploads import form_data, real_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_citizen(birth_registration):
    return signed_in(citizen("binh@example.vn"))


def _ready_to_submit(client, procedure) -> str:
    url = f"/nop-ho-so/{procedure.code}/"
    data = form_data(
        procedure,
        c0=SimpleUploadedFile("to-khai.pdf", real_pdf()),
        c1=SimpleUploadedFile("giay-chung-sinh.pdf", real_pdf("Giấy chứng sinh")),
    )
    data["action"] = "review"
    assert client.post(url, data).status_code == 302
    return url


def test_submit_with_the_broker_down_makes_one_dossier_and_keeps_its_work(
    signed_in_citizen,
    birth_registration,
    broker,
    django_capture_on_commit_callbacks,
) -> None:
    url = _ready_to_submit(signed_in_citizen, birth_registration)
    broker["down"] = True
    key = str(SubmissionDraft.objects.get().key)
    with django_capture_on_commit_callbacks(execute=True):
        done = signed_in_citizen.post(url + "nop/", {"draft_key": key})
    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert done["Location"].endswith(f"/ho-so-cua-toi/{dossier.code}/")
    assert not SubmissionDraft.objects.exists()
    # The follow-up work is on disk, unsent, waiting for the broker.
    queued = set(
        OutboxMessage.objects.filter(sent_at__isnull=True).values_list(
            "task", flat=True
        )
    )
    # The receipt job checks the files' signatures first, then signs form 01.
    assert queued == {"backoffice.dossiers.tasks.issue_dossier_receipt"}

    # The citizen retries (the page seemed stuck): still one dossier, same answer.
    with django_capture_on_commit_callbacks(execute=True):
        again = signed_in_citizen.post(url + "nop/", {"draft_key": key})
    assert again.status_code == 302
    assert again["Location"] == done["Location"]
    assert Dossier.objects.count() == 1

    # The broker is back: the drainer sends everything exactly as recorded.
    broker["down"] = False
    assert outbox_send() == OutboxMessage.objects.count()
    assert (
        "backoffice.dossiers.tasks.issue_dossier_receipt",
        [dossier.pk],
        {},
    ) in broker["published"]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_second_submit_of_the_same_draft_returns_the_first_dossier(
    signed_in_citizen, birth_registration, django_capture_on_commit_callbacks
) -> None:
    from backoffice.dossiers.drafts import draft_submit

    _ready_to_submit(signed_in_citizen, birth_registration)
    draft = SubmissionDraft.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        first = draft_submit(draft=draft)
        # The same (stale) draft object submitted again, as a concurrent request
        # holding it would.
        second = draft_submit(draft=draft)
    assert first.pk == second.pk
    assert Dossier.objects.count() == 1
