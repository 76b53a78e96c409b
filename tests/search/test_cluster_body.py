"""The cluster backends' shared template and request bodies, and the clients'
calling conventions, checked without a server (the contract suite runs them against
a live OpenSearch node, and Elasticsearch when ELASTICSEARCH_URL is set)."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

import search
from search import Field, FieldKind, SearchError, SearchQuery
from search.backends.cluster_body import index_template, search_body
from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.opensearch import OpenSearchBackend
from search.ranking import Ranking

from .conftest import DocIndex


@pytest.fixture
def template() -> dict:
    return index_template(DocIndex(), "motcua-contract-docs")


def test_template_targets_the_concrete_indexes(template):
    assert template["index_patterns"] == ["motcua-contract-docs-v*"]
    assert template["template"]["mappings"]["dynamic"] == "strict"


def test_analysers_fold_diacritics_and_keep_an_exact_copy(template):
    analysis = template["template"]["settings"]["analysis"]
    assert analysis["analyzer"]["vi_folded"]["filter"] == ["lowercase", "asciifolding"]
    assert analysis["analyzer"]["vi_exact"]["filter"] == ["lowercase"]
    title = template["template"]["mappings"]["properties"]["title"]
    assert title["analyzer"] == "vi_exact"
    assert title["fields"]["folded"] == {"type": "text", "analyzer": "vi_folded"}


def test_identifier_gets_a_normalised_keyword(template):
    analysis = template["template"]["settings"]["analysis"]
    normaliser = analysis["normalizer"]["vi_identifier"]
    assert normaliser["filter"] == ["lowercase", "asciifolding"]
    strip = analysis["char_filter"][normaliser["char_filter"][0]]
    assert strip["type"] == "pattern_replace" and strip["replacement"] == ""
    number = template["template"]["mappings"]["properties"]["number"]
    assert number["fields"]["norm"] == {
        "type": "keyword",
        "normalizer": "vi_identifier",
    }


def test_field_kinds_map_to_types(template):
    properties = template["template"]["mappings"]["properties"]
    assert properties["agency"] == {"type": "keyword"}
    assert properties["issued"] == {"type": "date"}
    assert properties["pages"] == {"type": "long"}
    assert properties["url"] == {"type": "object", "enabled": False}


def body(**kwargs) -> dict:
    return search_body(DocIndex(), SearchQuery(**kwargs))


def test_text_query_prefix_matches_folded_and_boosts_exact():
    query = body(text="đăng ký hộ kinh")["query"]["bool"]["must"][0]["bool"]
    match = query["must"][0]["bool"]["should"][0]["multi_match"]
    assert match["type"] == "bool_prefix"
    assert match["fields"] == ["number.folded^3", "title.folded^2", "body.folded^1"]
    exact = query["should"][0]["multi_match"]
    assert exact["fields"] == ["number^4.8", "title^3.2", "body^1.6"]
    assert query["should"][1]["multi_match"]["type"] == "phrase"


def test_every_word_must_match_unless_lenient():
    def minimum(request):
        must = request["query"]["bool"]["must"][0]["bool"]["must"][0]["bool"]
        return must["should"][0]["multi_match"]["minimum_should_match"]

    strict = search_body(DocIndex(), SearchQuery(text="a b c d e"))
    lenient = search_body(DocIndex(), SearchQuery(text="a b c d e"), lenient=True)
    assert minimum(strict) == "100%"
    assert minimum(lenient) == "3<-25%"


def test_number_symbol_query_hits_the_normalised_keyword():
    should = body(text="15 2016 QD UBND")["query"]["bool"]["must"][0]["bool"]["must"][
        0
    ]["bool"]["should"]
    terms = [c["term"]["number.norm"]["value"] for c in should if "term" in c]
    assert terms == ["152016qdubnd"]
    prefixes = [c["prefix"]["number.norm"]["value"] for c in should if "prefix" in c]
    assert prefixes == ["152016qdubnd"]


def test_filters_dates_sort_page_facets_and_highlight():
    request = body(
        filters={"agency": ["a", "b"], "number": "15/2016/QĐ-UBND", "doc_type": []},
        date_field="issued",
        date_from=date(2024, 1, 1),
        date_to=date(2024, 12, 31),
        sort="date_desc",
        page=3,
        page_size=10,
        facets=["agency"],
        highlight_fields=["title"],
        text="hộ",
    )
    filters = request["query"]["bool"]["filter"]
    assert {"terms": {"agency": ["a", "b"]}} in filters
    assert {"terms": {"number.norm": ["152016qdubnd"]}} in filters
    assert {"match_none": {}} in filters
    assert {
        "range": {
            "issued": {
                "gte": "2024-01-01",
                "lt": "2025-01-01",
                "format": "strict_date_optional_time",
            }
        }
    } in filters
    assert request["sort"] == [{"issued": {"order": "desc"}}]
    assert (request["from"], request["size"]) == (20, 10)
    assert request["aggs"] == {"agency": {"terms": {"field": "agency", "size": 50}}}
    assert request["highlight"]["pre_tags"] == ["<mark>"]
    assert request["highlight"]["encoder"] == "html"
    assert list(request["highlight"]["fields"]) == ["title.folded"]
    assert "rescore" not in request  # no ranking declared, and sorted by date
    assert request["track_total_hits"] is True


def test_empty_text_matches_everything():
    assert body()["query"] == {"bool": {}}
    assert "rescore" not in body() and "highlight" not in body(
        highlight_fields=["title"]
    )


def test_highlight_marks_whole_words_not_prefix_expansions():
    highlight = body(text="văn thu", highlight_fields=["title", "body"])["highlight"]
    # The finding query expands the last word as a prefix (bool_prefix); the
    # highlight query does not, so "thu" marks "thư" and not "thức".
    assert highlight["highlight_query"] == {
        "multi_match": {
            "query": "văn thu",
            "type": "best_fields",
            "fields": ["title.folded", "body.folded"],
            "operator": "or",
        }
    }


def test_ranking_rescores_relevance_only():
    ranking = Ranking(
        status_field="doc_type",
        status_weights={"replaced": 0.3},
        recency_field="issued",
        window=50,
    )
    request = search_body(
        DocIndex(), SearchQuery(text="văn thư"), ranking=ranking, today=date(2026, 1, 1)
    )
    (rescore,) = request["rescore"]
    assert rescore["window_size"] == 50
    assert rescore["query"]["score_mode"] == "multiply"
    factor = rescore["query"]["rescore_query"]["function_score"]
    assert {"filter": {"term": {"doc_type": "replaced"}}, "weight": 0.3} in factor[
        "functions"
    ]
    decay = factor["query"]["function_score"]["functions"][1]
    assert decay["exp"]["issued"]["origin"] == "2026-01-01"
    by_date = search_body(
        DocIndex(),
        SearchQuery(text="văn thư", sort="date_desc", date_field="issued"),
        ranking=ranking,
        today=date(2026, 1, 1),
    )
    assert "rescore" not in by_date


def test_backend_is_chosen_by_settings_without_connecting(settings):
    settings.SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
            "OPTIONS": {"URL": "http://127.0.0.1:9", "PREFIX": "p-"},
        }
    }
    search.reset()
    try:
        backend = search.get_backend()
        assert isinstance(backend, ElasticsearchBackend)
        assert backend.physical_name(DocIndex()) == "p-contract-docs"
        # Validation happens before any request is sent.
        with pytest.raises(SearchError, match="không có trường lọc"):
            backend.search(DocIndex(), SearchQuery(filters={"nope": "x"}))
    finally:
        search.reset()


def test_stored_only_fields_are_not_searchable():
    class Small(search.SearchIndex):
        name = "small"
        fields = [Field("title", FieldKind.TEXT), Field("url", FieldKind.STORED)]

        def get_queryset(self) -> list:
            return []

        def to_document(self, obj) -> dict:
            return {}

    request = search_body(Small(), SearchQuery(text="abc"))
    assert "url" not in str(request["query"])


RESPONSE = {
    "hits": {
        "total": {"value": 42, "relation": "eq"},
        "hits": [
            {
                "_index": "p-contract-docs-v1",
                "_id": "qd-15",
                "_score": 7.5,
                "_source": {"title": "Văn bản điện tử", "issued": "2016-05-20"},
                "highlight": {"title.folded": ["<mark>Văn</mark> bản điện tử"]},
            }
        ],
    },
    "aggregations": {"agency": {"buckets": [{"key": "ubnd", "doc_count": 3}]}},
}


@pytest.mark.parametrize("kind", ["elasticsearch", "opensearch"])
def test_search_parses_the_response_and_maps_highlights(kind):
    backend_class = (
        ElasticsearchBackend if kind == "elasticsearch" else OpenSearchBackend
    )
    backend = backend_class(URL="http://127.0.0.1:9", PREFIX="p-")
    client = mock.MagicMock()
    client.indices.exists_alias.return_value = True
    if kind == "elasticsearch":
        client.search.return_value.body = RESPONSE
    else:
        client.search.return_value = RESPONSE
    backend.client = client
    result = backend.search(
        DocIndex(),
        SearchQuery(text="van", facets=["agency"], highlight_fields=["title"]),
    )
    assert result.count == 42
    hit = result.hits[0]
    assert (hit.id, hit.score) == ("qd-15", 7.5)
    assert hit.source == {"title": "Văn bản điện tử", "issued": "2016-05-20"}
    assert hit.highlight == {"title": "<mark>Văn</mark> bản điện tử"}
    assert result.facets == {"agency": [("ubnd", 3)]}
    sent = client.search.call_args.kwargs
    assert sent["index"] == "p-contract-docs"
    assert sent["body"]["aggs"]["agency"]["terms"]["field"] == "agency"
    assert sent["body"]["highlight"]["fields"] == {"title.folded": {}}


def test_first_use_creates_template_index_and_alias():
    backend = ElasticsearchBackend(URL="http://127.0.0.1:9", PREFIX="p-")
    client = mock.MagicMock()
    client.indices.exists_alias.return_value = False
    client.indices.exists.return_value = False
    client.count.return_value = {"count": 0}
    backend.client = client
    assert backend.count(DocIndex()) == 0
    template = client.indices.put_index_template.call_args.kwargs
    assert template["name"] == "p-contract-docs"
    assert template["index_patterns"] == ["p-contract-docs-v*"]
    concrete = client.indices.create.call_args.kwargs["index"]
    assert concrete.startswith("p-contract-docs-v")
    client.indices.update_aliases.assert_called_once_with(
        actions=[{"add": {"index": concrete, "alias": "p-contract-docs"}}]
    )
