"""Helpers for the citizen's dossier page tests: move a dossier along, make drafts."""

from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.drafts import draft_for, draft_save
from backoffice.dossiers.models import Dossier, SubmissionDraft
from backoffice.dossiers.services import dossier_transition
from tests.fixtures.dossiers import pdf_upload

TO_RETURNED = (
    DossierStatus.ACCEPTED,
    DossierStatus.PROCESSING,
    DossierStatus.DONE,
    DossierStatus.RESULT_RETURNED,
)


def move(dossier: Dossier, *statuses: int, note: str = "") -> Dossier:
    """Through the transition service (events, audit), with no staff member."""
    for status in statuses:
        dossier = dossier_transition(dossier=dossier, to=status, actor=None, note=note)
    return dossier


def draft_with_file(owner, procedure) -> SubmissionDraft:
    draft = draft_for(owner=owner, procedure=procedure)
    component = procedure.components.first()
    return draft_save(
        draft=draft,
        data={**draft.data, "agency": procedure.agencies.first().code},
        uploads={component.pk: [pdf_upload("giay-khai-sinh.pdf")]},
    )
