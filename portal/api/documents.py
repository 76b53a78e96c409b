"""`GET /api/v1/documents/search`: the public library's search as JSON."""

from django.http import HttpRequest

from ninja import Query, Router, Schema

from backoffice.documents.selectors import (
    LibraryHit,
    library_query_clean,
    library_search,
)
from search import SearchError

from .errors import ApiError, ErrorCode, error_responses
from .params import OptionalDate, Text

router = Router(tags=["documents"])


class DocumentHitOut(Schema):
    number_symbol: str
    subject: str
    type: str
    type_label: str
    issuer: str
    field: str
    issued_date: str
    effective_date: str | None
    legal_status: str
    signature_verdict: str
    url: str
    highlight: dict[str, str]


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class DocumentSearchOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[DocumentHitOut]
    facets: dict[str, list[FacetValueOut]]


class DocumentSearchIn(Schema):
    q: Text = ""
    type: Text = ""
    issuer: Text = ""
    field: Text = ""
    year: Text = ""
    date_from: OptionalDate = None
    date_to: OptionalDate = None
    sort: Text = ""
    page: int = 1
    page_size: int = 20


def _out(request: HttpRequest, hit: LibraryHit) -> DocumentHitOut:
    return DocumentHitOut(
        number_symbol=hit.number_symbol,
        subject=hit.subject,
        type=hit.type,
        type_label=hit.type_label,
        issuer=hit.issuer,
        field=hit.field,
        issued_date=hit.issued_date,
        effective_date=hit.effective_date,
        legal_status=hit.legal_status,
        signature_verdict=hit.signature_verdict,
        url=request.build_absolute_uri(hit.url) if hit.url else "",
        highlight=hit.highlight,
    )


@router.get(
    "/search",
    response={200: DocumentSearchOut, **error_responses(400, 422)},
    summary="Tìm kiếm văn bản công bố",
    description=(
        "Tìm theo số, ký hiệu, trích yếu hoặc toàn văn (có dấu hoặc không dấu). "
        "Lọc theo loại (`type`, ví dụ `quyet-dinh`), cơ quan ban hành (`issuer`), "
        "lĩnh vực (`field`), năm (`year`) và khoảng ngày ban hành "
        "(`date_from`, `date_to`, dạng YYYY-MM-DD). `sort`: `relevance` (mặc định "
        "khi có từ khóa), `date_desc` (mặc định khi không có), `date_asc`. "
        "`highlight` chứa đoạn trích, từ khớp nằm trong `<mark>`; `facets` đếm "
        "số văn bản theo từng giá trị của loại, cơ quan, lĩnh vực, năm. "
        "400 khi trang vượt quá 10 000 kết quả đầu tiên; 422 khi một tham số "
        "sai kiểu (ví dụ ngày không theo dạng YYYY-MM-DD)."
    ),
)
def search_documents(
    request: HttpRequest, filters: Query[DocumentSearchIn]
) -> DocumentSearchOut:
    query = library_query_clean(
        text=filters.q,
        document_type=filters.type,
        issuer=filters.issuer,
        field=filters.field,
        year=filters.year,
        date_from=filters.date_from,
        date_to=filters.date_to,
        sort=filters.sort,
        page=filters.page,
        page_size=filters.page_size,
    )
    try:
        result = library_search(query)
    except SearchError as exc:
        raise ApiError(400, str(exc), ErrorCode.BAD_REQUEST) from exc
    return DocumentSearchOut(
        count=result.count,
        page=query.page,
        page_size=query.page_size,
        results=[_out(request, hit) for hit in result.hits],
        facets={
            name: [
                FacetValueOut(value=f.value, label=f.label, count=f.count)
                for f in values
            ]
            for name, values in result.facets.items()
        },
    )
