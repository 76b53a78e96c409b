"""Two leaders approving the same proposal at the same moment: one result.

SQLite serialises every writer, so this runs on PostgreSQL (DATABASE_URL), as the
lead's and CI's runs do; see tests/backoffice/incoming/test_concurrency.py.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.core.exceptions import ValidationError
from django.db import connection

import pytest

from backoffice.core.constants import Role
from backoffice.dossiers.approval import dossier_proposal_approve, dossier_propose
from backoffice.dossiers.assignment import dossier_assign
from backoffice.dossiers.constants import DossierStatus
from backoffice.dossiers.models import DossierFile, DossierProposal
from tests.fixtures.databases import postgresql_only
from tests.fixtures.dossiers import checked_upload
from tests.fixtures.signatures import make_pdf

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only,
]


def test_two_leaders_approving_at_once_issue_exactly_one_result(
    accepted, desk, make_staff, agency_tree
) -> None:
    second = make_staff("ld2", agency=agency_tree["ward"], role=Role.LEADER)
    dossier_assign(dossier=accepted, actor=desk.leader, assignee=desk.specialist)
    dossier_propose(
        dossier=accepted,
        actor=desk.specialist,
        outcome="approve",
        files=[checked_upload(make_pdf(["KẾT QUẢ"]), name="ket-qua.pdf")],
    )
    start = threading.Barrier(2)

    def approve(leader) -> str:
        try:
            start.wait(timeout=30)
            dossier_proposal_approve(dossier=accepted, actor=leader)
            return "approved"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(approve, [desk.leader, second]))
    assert outcomes == ["approved", "refused"]
    accepted.refresh_from_db()
    assert accepted.status == DossierStatus.DONE
    assert accepted.files.filter(kind=DossierFile.Kind.RESULT).count() == 1
    assert accepted.events.filter(status=DossierStatus.DONE).count() == 1
    assert DossierProposal.objects.get().decision == "approved"
