"""The public JSON API under /api/v1/, described by OpenAPI (django-ninja).

Every error answers `{"detail", "code"}` (see `errors.py`), and each operation
declares the error statuses it can answer. Answers are in the language of
`Accept-Language` (see `language.py`).
"""

from ninja import NinjaAPI

from .documents import router as documents_router
from .dossiers import router as dossiers_router
from .errors import install_error_handlers
from .index import router as index_router
from .language import in_request_language
from .procedures import router as procedures_router

api = NinjaAPI(
    title="Một Cửa API",
    version="1",
    description=(
        "Tra cứu thủ tục hành chính và tình trạng hồ sơ. Trả lời theo ngôn ngữ "
        "của `Accept-Language` (`vi` mặc định, hoặc `en`). Mọi lỗi trả về "
        '`{"detail": "...", "code": "..."}`: `detail` để người đọc, `code` cố '
        "định cho máy đọc."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_decorator(in_request_language, mode="view")  # before validation: 422s too
api.add_router("", index_router)
api.add_router("/procedures", procedures_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/documents", documents_router)
