"""`GET /api/v1/`: what the API offers and where its documentation is.

A client (or a person who typed the address) that starts at the root learns the
operations, the OpenAPI schema and the interactive docs without guessing.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from ninja import Field, Router, Schema

router = Router(tags=["index"])


class EndpointOut(Schema):
    method: str = Field(examples=["GET"])
    path: str = Field(examples=["/api/v1/procedures"])
    summary: str


class IndexOut(Schema):
    name: str
    version: str
    description: str
    docs: str = Field(description="Interactive documentation (Swagger UI).")
    openapi: str = Field(description="The OpenAPI schema, JSON.")
    endpoints: list[EndpointOut]


def _endpoints() -> list[EndpointOut]:
    root = reverse("api-v1:api-root").rstrip("/")
    rows = [
        ("/procedures", _("Danh mục thủ tục hành chính (q, field, agency)")),
        ("/procedures/{code}", _("Một thủ tục theo mã")),
        ("/documents/search", _("Tìm văn bản đã công bố (q, type, issuer, year…)")),
        ("/dossiers/{code}/status", _("Tình trạng hồ sơ, cần mã tra cứu (secret)")),
    ]
    return [
        EndpointOut(method="GET", path=root + suffix, summary=summary)
        for suffix, summary in rows
    ]


@router.get(
    "/",
    response=IndexOut,
    url_name="api-root",
    summary="Mục lục API",
)
def api_index(request: HttpRequest) -> IndexOut:
    """The operations of this API, with links to its docs and OpenAPI schema."""
    return IndexOut(
        name="Một Cửa API",
        version="1",
        description=_(
            "API công khai của Cổng dịch vụ công: tra cứu thủ tục, văn bản và "
            "tình trạng hồ sơ. Tài liệu đầy đủ ở địa chỉ docs."
        ),
        docs=request.build_absolute_uri(reverse("api-v1:openapi-view")),
        openapi=request.build_absolute_uri(reverse("api-v1:openapi-json")),
        endpoints=_endpoints(),
    )
