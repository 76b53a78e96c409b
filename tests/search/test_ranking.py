"""The ranking signals' arithmetic and declaration checks (engine-neutral)."""

from __future__ import annotations

from datetime import date

import pytest

import search
from search import SearchQuery
from search.ranking import Ranking, RankingError, ranking_for

from .conftest import Doc, DocIndex

TODAY = date(2026, 1, 1)
LIBRARY = Ranking(
    status_field="doc_type",
    status_weights={"replaced": 0.3, "expired": 0.3},
    recency_field="issued",
    recency_weight=0.1,
    recency_half_life_days=1000,
)


def test_status_weighs_the_text_score_and_recency_adds_a_mild_bonus():
    fresh = {"doc_type": "in-force", "issued": "2026-01-01"}
    assert LIBRARY.factor(fresh, TODAY) == pytest.approx(1.1)
    one_half_life = {"doc_type": "in-force", "issued": "2023-04-07"}
    assert LIBRARY.factor(one_half_life, TODAY) == pytest.approx(1.05)
    replaced = {"doc_type": "replaced", "issued": "2026-01-01"}
    assert LIBRARY.factor(replaced, TODAY) == pytest.approx(0.33)
    # An unknown status weighs 1; a missing date gets the whole bonus, as the
    # cluster engines' decay functions do; a list value uses its first item.
    assert LIBRARY.factor({"doc_type": "draft"}, TODAY) == pytest.approx(1.1)
    assert LIBRARY.factor({"doc_type": ["expired"]}, TODAY) == pytest.approx(0.33)
    # However old, an in-force document outweighs a brand-new replaced one.
    ancient = {"doc_type": "in-force", "issued": "1990-01-01"}
    assert LIBRARY.factor(ancient, TODAY) > LIBRARY.factor(replaced, TODAY)


def test_settings_declare_or_switch_off_an_index_ranking(settings):
    settings.SEARCH_RANKING = {
        "contract-docs": {
            "STATUS_FIELD": "doc_type",
            "STATUS_WEIGHTS": {"replaced": 0.5},
            "RECENCY_FIELD": "issued",
            "WINDOW": 20,
        }
    }
    ranking = ranking_for(DocIndex())
    assert ranking is not None
    assert ranking.status_weights == {"replaced": 0.5} and ranking.window == 20
    settings.SEARCH_RANKING = {"contract-docs": {}}
    assert ranking_for(DocIndex()) is None
    settings.SEARCH_RANKING = {}
    assert ranking_for(DocIndex()) is None  # the index declares none


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ({"STATUS_FIELD": "title", "STATUS_WEIGHTS": {"x": 0.5}}, "phải là KEYWORD"),
        ({"RECENCY_FIELD": "pages"}, "phải là DATE"),
        ({"RECENCY_FIELD": "issued", "RECENCY_WEIGHT": -1}, "không hợp lệ"),
        ({"RECENCY_FIELD": "issued", "WINDOW": 0}, "không hợp lệ"),
    ],
)
def test_a_misdeclared_ranking_is_refused_with_a_clear_message(
    settings, declared, message
):
    settings.SEARCH_RANKING = {"contract-docs": declared}
    with pytest.raises(RankingError, match=message):
        ranking_for(DocIndex())


def test_the_library_declares_its_ranking_in_settings(settings):
    ranking = Ranking.from_setting(settings.SEARCH_RANKING["documents"])
    assert ranking.status_field == "legal_status"
    assert ranking.status_weights == {"replaced": 0.3, "expired": 0.3}
    assert ranking.recency_field == "issued_date"
    ranking.check(search.get_index("documents"))


@pytest.mark.usefixtures("search_backend")
def test_a_misdeclared_ranking_changes_nothing(doc_index, settings):
    search.index_objects("contract-docs", [search_doc()])
    settings.SEARCH_RANKING = {"contract-docs": {"RECENCY_FIELD": "title"}}
    with pytest.raises(RankingError):
        search.query("contract-docs", SearchQuery(text="văn thư"))
    settings.SEARCH_RANKING = {}
    assert search.count("contract-docs") == 1


def search_doc() -> Doc:
    return Doc("a", title="Về công tác văn thư", issued=date(2020, 3, 5))
