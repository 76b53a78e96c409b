"""No post_delete receiver listens to every model: Django then deletes rows without
reading them first (a submission deletes its draft in one statement per table)."""

from django.apps import apps
from django.db.models.signals import post_delete, pre_delete

from backoffice.dossiers.models import DraftFile, SubmissionDraft
from portal.models import OfficialDocumentPage


def test_drafts_are_fast_deleted():
    for model in (DraftFile, SubmissionDraft):
        assert not post_delete.has_listeners(model)
        assert not pre_delete.has_listeners(model)


def test_only_the_models_that_need_one_have_a_delete_receiver():
    listened = {
        model._meta.label
        for model in apps.get_models()
        if post_delete.has_listeners(model)
    }
    assert "portal.OfficialDocumentPage" in listened  # leaves the library index
    assert len(listened) < len(apps.get_models()) / 2
    assert post_delete.has_listeners(OfficialDocumentPage)
