from django.http import HttpRequest
from django.utils.translation import gettext as _

from ninja import Router, Schema

from backoffice.documents.models import OfficialDocument
from backoffice.documents.number_symbols import number_symbol_key
from backoffice.documents.publishing import publisher_get
from backoffice.procedures.legal_basis import (
    LegalReference,
    legal_references_resolve_many,
)
from backoffice.procedures.models import Procedure
from backoffice.procedures.selectors import procedure_get, procedure_list

from .errors import ApiError, ErrorCode, error_responses
from .params import Text

router = Router(tags=["procedures"])

MAX_PAGE_SIZE = 100


class ComponentOut(Schema):
    name: str
    required: bool
    form: str
    count: int
    formats: list[str]
    template_url: str = ""


class LegalReferenceOut(Schema):
    text: str
    number_symbol: str
    url: str


class ProcedureOut(Schema):
    code: str
    name: str
    field: str
    agencies: list[str]
    processing_days: int
    online_level: str
    fees: str
    components: list[ComponentOut]
    steps: list[str] = []
    channels: list[str] = []
    applicant_types: list[str] = []
    conditions: str = ""
    processing_time_note: str = ""
    result: str = ""
    legal_basis: list[LegalReferenceOut] = []


class ProcedureList(Schema):
    count: int
    results: list[ProcedureOut]


def published_legal_documents(number_symbols: list[str]) -> dict[str, str]:
    """The public library URL of each number-symbol whose document is published
    (the resolver named by ``PROCEDURE_LEGAL_BASIS_RESOLVER``). A number-symbol
    that several published documents share (a symbol without the year, from
    different issuers) is ambiguous and not linked."""
    keys: dict[str, list[str]] = {}
    for symbol in number_symbols:
        keys.setdefault(number_symbol_key(symbol), []).append(symbol)
    publisher = publisher_get()
    documents = publisher.with_pages(
        OfficialDocument.objects.public().filter(number_symbol_key__in=keys)
    )
    urls: dict[str, list[str]] = {}
    for document in documents:
        url = publisher.public_url(document)
        if url:
            urls.setdefault(document.number_symbol_key, []).append(url)
    return {
        symbol: found[0]
        for key, found in urls.items()
        if len(found) == 1
        for symbol in keys[key]
    }


def _out(
    procedure: Procedure, legal: list[LegalReference] | None = None
) -> ProcedureOut:
    if legal is None:
        legal = procedure.legal_references()
    return ProcedureOut(
        code=procedure.code,
        name=procedure.name,
        field=procedure.field.name,
        agencies=[a.code for a in procedure.agencies.all()],
        processing_days=procedure.processing_days,
        online_level=procedure.online_level,
        fees=procedure.fees,
        components=[
            ComponentOut(
                name=c.name,
                required=c.required,
                form=c.copy_form,
                count=c.count,
                formats=c.formats,
                template_url=c.template.url if c.template else "",
            )
            for c in procedure.components.all()
        ],
        steps=procedure.step_list(),
        channels=procedure.channels,
        applicant_types=procedure.applicant_types,
        conditions=procedure.conditions,
        processing_time_note=procedure.processing_time_note,
        result=procedure.result,
        legal_basis=[
            LegalReferenceOut(text=r.text, number_symbol=r.number_symbol, url=r.url)
            for r in legal
        ],
    )


@router.get(
    "",
    response={200: ProcedureList, **error_responses(422)},
    summary="Danh mục thủ tục hành chính",
)
def list_procedures(
    request: HttpRequest,
    q: Text = "",
    field: Text = "",
    agency: Text = "",
    page: int = 1,
    page_size: int = 20,
) -> ProcedureList:
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    qs = procedure_list(field=field, agency=agency, query=q[:200]).prefetch_related(
        "components"
    )
    count = qs.count()
    start = (page - 1) * page_size
    # A page past the end is empty; checked first because the database refuses an
    # offset beyond its integer range (any integer is a valid `page`).
    page_items = qs[start : start + page_size] if start < count else []
    page_items = list(page_items)
    legal = legal_references_resolve_many([p.legal_basis for p in page_items])
    return ProcedureList(
        count=count,
        results=[_out(p, refs) for p, refs in zip(page_items, legal, strict=True)],
    )


@router.get(
    "/{code}",
    response={200: ProcedureOut, **error_responses(404, 422)},
    summary="Một thủ tục theo mã",
)
def get_procedure(request: HttpRequest, code: Text) -> ProcedureOut:
    procedure = procedure_get(code=code)
    if procedure is None:
        raise ApiError(404, _("Không có thủ tục với mã này."), ErrorCode.NOT_FOUND)
    return _out(procedure)
