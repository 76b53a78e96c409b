"""One contract for every backend: the embedded engine and a live OpenSearch node
always (marker `opensearch`), Elasticsearch when ELASTICSEARCH_URL is set (marker
`elasticsearch`)."""

from __future__ import annotations

from datetime import date

import pytest

import search
from search import SearchError, SearchQuery

from .conftest import Doc

pytestmark = pytest.mark.usefixtures("search_backend")

DOCS = [
    Doc(
        "qd-15",
        number="15/2016/QĐ-UBND",
        title="Quy định về trao đổi, lưu trữ, xử lý văn bản điện tử",
        body="Ban hành kèm theo quyết định này quy định về văn bản điện tử <b>mật</b>.",
        agency=["ubnd-tinh", "so-tttt"],
        doc_type="quyet-dinh",
        issued=date(2016, 5, 20),
        pages=12,
        url="/van-ban/qd-15",
    ),
    Doc(
        "nd-05",
        number="05/2025/NĐ-CP",
        title="Nghị định về đăng ký hộ kinh doanh",
        body="Đăng ký hộ kinh doanh tại Ủy ban nhân dân cấp xã.",
        agency="chinh-phu",
        doc_type="nghi-dinh",
        issued=date(2025, 1, 6),
        pages=30,
    ),
    Doc(
        "cv-12",
        number="12/UBND-VX",
        title="Về việc hỗ trợ hộ nghèo đón Tết",
        body="Hỗ trợ hộ nghèo và gia đình chính sách.",
        agency="ubnd-tinh",
        doc_type="cong-van",
        issued=date(2024, 12, 30),
        pages=2,
    ),
    Doc(
        "kh-30",
        number="30/KH-UBND",
        title="Kế hoạch cải tạo hồ chứa nước và đường giao thông nông thôn",
        body="Nạo vét hồ, nâng cấp đường.",
        agency="ubnd-huyen",
        doc_type="ke-hoach",
        issued=date(2023, 3, 1),
        pages=5,
    ),
]


@pytest.fixture
def indexed(doc_index):
    doc_index.objects = list(DOCS)
    assert search.index_objects("contract-docs", DOCS) == len(DOCS)
    return doc_index


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def q(text="", **kwargs) -> list[str]:
    return ids(search.query("contract-docs", SearchQuery(text=text, **kwargs)))


def test_index_count_upsert_and_remove(indexed):
    assert search.count("contract-docs") == 4
    changed = Doc("qd-15", number="15/2016/QĐ-UBND", title="Tiêu đề mới về lưu trữ")
    search.index_objects("contract-docs", [changed])
    assert search.count("contract-docs") == 4
    hit = search.query("contract-docs", SearchQuery(text="tiêu đề mới")).hits[0]
    assert hit.id == "qd-15"
    assert hit.source["title"] == "Tiêu đề mới về lưu trữ"
    search.remove_objects("contract-docs", ["qd-15", "no-such-id"])
    assert search.count("contract-docs") == 3
    assert q("tiêu đề mới") == []


def test_unpublished_objects_are_removed_not_indexed(indexed):
    hidden = Doc("nd-05", title="Nghị định về đăng ký hộ kinh doanh", published=False)
    assert search.index_objects("contract-docs", [hidden]) == 0
    assert search.count("contract-docs") == 3
    assert "nd-05" not in q("đăng ký hộ kinh doanh")


def test_source_round_trips_with_iso_dates(indexed):
    hit = search.query("contract-docs", SearchQuery(text="15/2016/QĐ-UBND")).hits[0]
    assert hit.source["issued"] == "2016-05-20"
    assert hit.source["url"] == "/van-ban/qd-15"
    assert hit.source["agency"] == ["ubnd-tinh", "so-tttt"]
    assert hit.source["pages"] == 12


@pytest.mark.parametrize(
    "text",
    ["đăng ký hộ kinh doanh", "dang ky ho kinh doanh", "DANG KY HO KINH DOANH"],
)
def test_matches_with_and_without_diacritics(indexed, text):
    assert q(text)[0] == "nd-05"


def test_d_with_stroke_folds_both_ways(indexed):
    assert q("duong giao thong")[0] == "kh-30"
    assert q("đuong")[0] == "kh-30"


def test_exact_diacritics_rank_higher(indexed):
    # "hồ" (lake) and "hộ" (household) fold to the same "ho".
    assert set(q("ho")) >= {"kh-30", "cv-12", "nd-05"}
    assert q("hồ")[0] == "kh-30"
    assert q("hộ")[0] in {"cv-12", "nd-05"}
    assert q("hộ nghèo")[0] == "cv-12"


@pytest.mark.parametrize(
    "text",
    ["15/2016/QĐ-UBND", "15/2016/qd-ubnd", "15 2016 QD UBND", "15-2016-qđ-ubnd"],
)
def test_number_symbol_in_any_spelling(indexed, text):
    assert q(text)[0] == "qd-15"


def test_number_symbol_inside_a_sentence_and_in_part(indexed):
    assert q("quyết định 15/2016/QĐ-UBND lưu trữ")[0] == "qd-15"
    assert q("05/2025")[0] == "nd-05"
    assert q("12/UBND-VX")[0] == "cv-12"


def test_number_symbol_filter_is_normalised(indexed):
    assert q(filters={"number": "15 2016 qd ubnd"}) == ["qd-15"]


def test_prefix_on_last_word(indexed):
    assert q("trao đổi văn bản điện t")[0] == "qd-15"
    assert q("kinh doa")[0] == "nd-05"
    assert q("hỗ tr")[0] == "cv-12"


def test_every_word_must_match_but_long_queries_forgive_one(indexed):
    assert q("đăng ký xyzzy") == []
    # Six words, one unknown: retried letting a quarter of the words miss.
    assert q("đăng ký hộ kinh doanh xyzzy")[0] == "nd-05"


def test_nothing_matches(indexed):
    result = search.query("contract-docs", SearchQuery(text="xyzzy không tồn tại"))
    assert result.count == 0
    assert result.hits == []


def test_filters_any_of_all_of_and_empty(indexed):
    assert sorted(q(filters={"agency": "ubnd-tinh"})) == ["cv-12", "qd-15"]
    assert sorted(q(filters={"agency": ["so-tttt", "chinh-phu"]})) == ["nd-05", "qd-15"]
    assert q(filters={"agency": "ubnd-tinh", "doc_type": "cong-van"}) == ["cv-12"]
    assert q("hộ", filters={"agency": ["ubnd-tinh"]}) == ["cv-12"]
    assert q(filters={"pages": [2, 5]}) == q(filters={"pages": ["2", "5"]})
    assert sorted(q(filters={"pages": [2, 5]})) == ["cv-12", "kh-30"]
    # A user allowed to see no agency sees nothing.
    assert q(filters={"agency": []}) == []


def test_date_range_and_sorts(indexed):
    newest_first = q(date_field="issued", sort="date_desc")
    assert newest_first == ["nd-05", "cv-12", "kh-30", "qd-15"]
    assert q(date_field="issued", sort="date_asc") == newest_first[::-1]
    in_range = q(
        date_field="issued",
        date_from=date(2023, 3, 1),
        date_to=date(2024, 12, 30),
        sort="date_asc",
    )
    assert in_range == ["kh-30", "cv-12"]
    assert q(date_field="issued", date_from=date(2025, 1, 1)) == ["nd-05"]
    assert q(sort="date_desc", sort_field="pages") == [
        "nd-05",
        "qd-15",
        "kh-30",
        "cv-12",
    ]


def test_facets_count_each_value_of_the_matches(indexed):
    result = search.query(
        "contract-docs", SearchQuery(facets=["agency", "doc_type"], page_size=1)
    )
    assert result.count == 4
    assert len(result.hits) == 1
    assert dict(result.facets["agency"]) == {
        "ubnd-tinh": 2,
        "so-tttt": 1,
        "chinh-phu": 1,
        "ubnd-huyen": 1,
    }
    assert result.facets["agency"][0] == ("ubnd-tinh", 2)
    filtered = search.query(
        "contract-docs", SearchQuery(text="hộ", facets=["doc_type"])
    )
    assert dict(filtered.facets["doc_type"]).get("quyet-dinh") is None


def test_highlight_marks_words_and_escapes_html(indexed):
    result = search.query(
        "contract-docs",
        SearchQuery(text="van ban dien tu", highlight_fields=["title", "body"]),
    )
    hit = result.hits[0]
    assert hit.id == "qd-15"
    assert "<mark>văn</mark>" in hit.highlight["title"]
    assert "<mark>điện</mark>" in hit.highlight["body"]
    assert "<b>" not in hit.highlight["body"]
    assert "&lt;b&gt;" in hit.highlight["body"]


def test_highlight_marks_whole_words_not_words_sharing_a_prefix(indexed):
    search.index_objects(
        "contract-docs",
        [Doc("vt", title="Công tác văn thư, chính thức thu thuế", body="Thư mời")],
    )
    result = search.query(
        "contract-docs", SearchQuery(text="thu", highlight_fields=["title", "body"])
    )
    assert [hit.id for hit in result.hits] == ["vt"]
    title = result.hits[0].highlight["title"]
    # "thư" and "thu" fold to the query word; "thức" and "thuế" only start with it.
    assert "<mark>thư</mark>" in title and "<mark>thu</mark>" in title
    assert "<mark>thức</mark>" not in title and "<mark>thuế</mark>" not in title
    assert title.count("<mark>") == 2
    assert result.hits[0].highlight["body"] == "<mark>Thư</mark> mời"


def test_pages(indexed):
    first = search.query(
        "contract-docs", SearchQuery(sort="date_asc", date_field="issued", page_size=3)
    )
    second = search.query(
        "contract-docs",
        SearchQuery(sort="date_asc", date_field="issued", page_size=3, page=2),
    )
    assert first.count == second.count == 4
    assert ids(first) == ["qd-15", "kh-30", "cv-12"]
    assert ids(second) == ["nd-05"]


def test_relevance_scores_descend(indexed):
    hits = search.query("contract-docs", SearchQuery(text="hộ")).hits
    assert len(hits) >= 2
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].score > 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (SearchQuery(filters={"nope": "x"}), "không có trường lọc “nope”"),
        (SearchQuery(filters={"title": "x"}), "không có trường lọc “title”"),
        (SearchQuery(facets=["title"]), "trường thống kê “title”"),
        (SearchQuery(highlight_fields=["agency"]), "trường trích đoạn “agency”"),
        (SearchQuery(sort="date_desc"), "cần chỉ rõ trường ngày"),
        (SearchQuery(sort="newest"), "Cách sắp xếp không hợp lệ"),  # type: ignore[arg-type]
        (SearchQuery(date_field="title"), "trường ngày “title”"),
        (
            SearchQuery(
                date_field="issued",
                date_from=date(2025, 1, 2),
                date_to=date(2025, 1, 1),
            ),
            "“Từ ngày” phải trước",
        ),
        (SearchQuery(page=0), "Trang phải từ 1"),
        (SearchQuery(page_size=1000), "cỡ trang từ 1 đến 100"),
        (SearchQuery(page=600, page_size=20), "10000 kết quả đầu tiên"),
        (SearchQuery(text="hồ sơ " * 100), "quá dài \\(tối đa 500 ký tự\\)"),
    ],
)
def test_bad_queries_get_a_vietnamese_error(indexed, query, message):
    with pytest.raises(SearchError, match=message):
        search.query("contract-docs", query)


def test_undeclared_field_is_refused_and_changes_nothing(indexed):
    class Bad:
        pk = "bad"

    bad_index = search.get_index("contract-docs")
    original = bad_index.to_document
    bad_index.to_document = lambda obj: {"title": "x", "secret": "y"}  # type: ignore[method-assign]
    try:
        with pytest.raises(SearchError, match="không khai báo: secret"):
            search.index_objects("contract-docs", [Doc("new", title="x")])
    finally:
        bad_index.to_document = original  # type: ignore[method-assign]
    assert search.count("contract-docs") == 4


def test_unknown_index_is_a_lookup_error(indexed):
    with pytest.raises(LookupError):
        search.query("no-such-index", SearchQuery())


def test_rebuild_switches_atomically(indexed):
    # The source of truth now holds one changed and one new document; qd-15 is gone.
    indexed.objects = [
        Doc("nd-05", title="Nghị định về đăng ký hộ kinh doanh (sửa đổi)"),
        Doc("tb-01", number="01/TB-VP", title="Thông báo lịch tiếp công dân"),
        Doc("draft", title="Bản nháp chưa công bố", published=False),
    ]
    seen_during = []

    def progress(done, total):
        # Readers still see the old index while the new one is built.
        seen_during.append(search.count("contract-docs"))

    assert search.rebuild("contract-docs", progress=progress) == 2
    assert seen_during and all(n == 4 for n in seen_during)
    assert search.count("contract-docs") == 2
    assert q("lịch tiếp công dân") == ["tb-01"]
    assert q("15/2016/QĐ-UBND") == []
    assert search.check("contract-docs") == (2, 2)


def test_check_reports_drift(indexed):
    indexed.objects = [*DOCS, Doc("extra", title="Chưa được đánh chỉ mục")]
    assert search.check("contract-docs") == (5, 4)


def test_empty_text_returns_everything(indexed):
    result = search.query("contract-docs", SearchQuery(text="   "))
    assert result.count == 4
