from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from backoffice.core.constants import Role
from backoffice.core.models import AuditLogEntry
from backoffice.dossiers.handling import (
    dossier_accept,
    dossier_complete,
    dossier_return_result,
)
from backoffice.dossiers.models import DossierRating
from backoffice.dossiers.ratings import dossier_rate, rating_summary
from tests.fixtures.citizens import citizen
from tests.fixtures.dossiers import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(alice_dossier, agency_tree, make_staff):
    alice, dossier = alice_dossier
    reception = make_staff("tn", agency=agency_tree["ward"], role=Role.RECEPTION)
    specialist = make_staff("cv", agency=agency_tree["ward"], role=Role.SPECIALIST)
    dossier_accept(dossier=dossier, actor=reception)
    dossier_complete(
        dossier=dossier, actor=specialist, result_files=[pdf_upload("ket-qua.pdf")]
    )
    dossier_return_result(dossier=dossier, actor=reception)
    return alice, dossier


def test_owner_rates_a_returned_dossier_once(returned) -> None:
    alice, dossier = returned
    dossier_rate(dossier=dossier, actor=alice, score=4, comment=" Nhanh ")
    rating = DossierRating.objects.get(dossier=dossier)
    assert (rating.score, rating.comment) == (4, "Nhanh")
    assert AuditLogEntry.objects.filter(action="dossier.rate").count() == 1
    with pytest.raises(ValidationError) as err:
        dossier_rate(dossier=dossier, actor=alice, score=5)
    assert err.value.code == "already_rated"
    assert DossierRating.objects.get(dossier=dossier).score == 4
    [summary] = rating_summary()
    assert (summary.agency_id, summary.count, summary.average) == (
        dossier.agency_id,
        1,
        4.0,
    )


def test_a_dossier_not_yet_returned_cannot_be_rated(alice_dossier) -> None:
    alice, dossier = alice_dossier
    with pytest.raises(ValidationError) as err:
        dossier_rate(dossier=dossier, actor=alice, score=5)
    assert err.value.code == "not_returned"
    assert not DossierRating.objects.exists()


@pytest.mark.parametrize("score", [0, 6, "x", None, -1])
def test_score_outside_one_to_five_is_refused(returned, score) -> None:
    alice, dossier = returned
    with pytest.raises(ValidationError):
        dossier_rate(dossier=dossier, actor=alice, score=score)
    assert not DossierRating.objects.exists()


def test_someone_else_cannot_rate(returned) -> None:
    _alice, dossier = returned
    with pytest.raises(PermissionDenied):
        dossier_rate(dossier=dossier, actor=citizen("eve@example.vn"), score=1)
    assert not DossierRating.objects.exists()


def test_overlong_comment_is_refused(returned) -> None:
    alice, dossier = returned
    with pytest.raises(ValidationError):
        dossier_rate(dossier=dossier, actor=alice, score=3, comment="x" * 2001)
    assert not DossierRating.objects.exists()
