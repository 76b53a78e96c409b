from django.http import Http404, HttpRequest

from ninja import Router, Schema

from backoffice.procedures.models import Procedure
from backoffice.procedures.selectors import procedure_get, procedure_list

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


@router.get("", response=ProcedureList, summary="Danh mục thủ tục hành chính")
def list_procedures(
    request: HttpRequest,
    q: str = "",
    field: str = "",
    agency: str = "",
    page: int = 1,
    page_size: int = 20,
) -> ProcedureList:
    page = max(page, 1)
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    qs = procedure_list(field=field, agency=agency, query=q[:200]).prefetch_related(
        "components"
    )
    start = (page - 1) * page_size
    return ProcedureList(
        count=qs.count(), results=[_out(p) for p in qs[start : start + page_size]]
    )


@router.get("/{code}", response=ProcedureOut, summary="Một thủ tục theo mã")
def get_procedure(request: HttpRequest, code: str) -> ProcedureOut:
    procedure = procedure_get(code=code)
    if procedure is None:
        raise Http404("Không có thủ tục với mã này.")
    return _out(procedure)
