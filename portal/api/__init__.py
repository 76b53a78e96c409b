"""The public JSON API under /api/v1/, described by OpenAPI (django-ninja)."""

from ninja import NinjaAPI

from .documents import router as documents_router
from .dossiers import router as dossiers_router
from .procedures import router as procedures_router

api = NinjaAPI(
    title="Một Cửa API",
    version="1",
    description="Tra cứu thủ tục hành chính và tình trạng hồ sơ.",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/procedures", procedures_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/documents", documents_router)
