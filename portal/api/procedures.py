from django.http import HttpRequest
from django.utils.translation import gettext as _

from ninja import Router, Schema

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


class ProcedureOut(Schema):
    code: str
    name: str
    field: str
    agencies: list[str]
    processing_days: int
    online_level: str
    fees: str
    components: list[ComponentOut]


class ProcedureList(Schema):
    count: int
    results: list[ProcedureOut]


def _out(procedure: Procedure) -> ProcedureOut:
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
            )
            for c in procedure.components.all()
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
    return ProcedureList(count=count, results=[_out(p) for p in page_items])


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
