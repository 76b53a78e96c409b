"""Drafts under "my dossiers": listed, continued, deleted (with their files)."""

import pytest

from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.models import DraftFile, SubmissionDraft
from tests.fixtures.citizens import citizen, signed_in
from tests.portal.dossier_states import draft_with_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_draft(birth_registration):
    alice = citizen("alice@example.vn")
    return alice, draft_with_file(alice, birth_registration)


def test_drafts_are_listed_with_continue_and_delete(alice_draft) -> None:
    alice, draft = alice_draft
    html = signed_in(alice).get("/ho-so-cua-toi/").content.decode()
    assert 'id="my-drafts"' in html
    assert draft.procedure.name in html
    assert f'href="/nop-ho-so/{draft.procedure.code}/"' in html
    assert f'href="/ho-so-cua-toi/nhap/{draft.pk}/xoa/"' in html
    assert "Lưu lần cuối" in html


def test_continue_opens_the_wizard_on_the_saved_draft(alice_draft) -> None:
    alice, draft = alice_draft
    page = signed_in(alice).get(f"/nop-ho-so/{draft.procedure.code}/")
    assert page.status_code == 200
    assert "giay-khai-sinh.pdf" in page.content.decode()
    assert SubmissionDraft.objects.count() == 1


def test_delete_asks_first_then_removes_draft_and_files(
    alice_draft, django_capture_on_commit_callbacks
) -> None:
    alice, draft = alice_draft
    record = draft.files.get()
    storage, name = record.file.storage, record.file.name
    assert storage.exists(name)
    client = signed_in(alice)
    confirm = client.get(f"/ho-so-cua-toi/nhap/{draft.pk}/xoa/")
    assert confirm.status_code == 200
    assert "Không thể khôi phục" in confirm.content.decode()
    assert SubmissionDraft.objects.filter(pk=draft.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/ho-so-cua-toi/nhap/{draft.pk}/xoa/", follow=True)
    assert "Đã xóa hồ sơ nháp" in response.content.decode()
    assert not SubmissionDraft.objects.filter(pk=draft.pk).exists()
    assert not DraftFile.objects.exists()
    assert not storage.exists(name)
    entry = AuditLogEntry.objects.get(action="draft.deleted")
    assert entry.actor == alice
    assert entry.before["files"] == ["giay-khai-sinh.pdf"]


def test_someone_elses_draft_is_404(alice_draft) -> None:
    _alice, draft = alice_draft
    bob = signed_in(citizen("bob@example.vn"))
    assert draft.procedure.name not in bob.get("/ho-so-cua-toi/").content.decode()
    assert bob.get(f"/ho-so-cua-toi/nhap/{draft.pk}/xoa/").status_code == 404
    assert bob.post(f"/ho-so-cua-toi/nhap/{draft.pk}/xoa/").status_code == 404
    assert SubmissionDraft.objects.filter(pk=draft.pk).exists()
    assert draft.files.count() == 1
    assert not AuditLogEntry.objects.filter(action="draft.deleted").exists()


def test_draft_delete_service_refuses_another_user(alice_draft) -> None:
    from django.core.exceptions import PermissionDenied

    from backoffice.dossiers.drafts import draft_delete

    _alice, draft = alice_draft
    with pytest.raises(PermissionDenied):
        draft_delete(draft=draft, actor=citizen("eve@example.vn"))
    assert SubmissionDraft.objects.filter(pk=draft.pk).exists()
