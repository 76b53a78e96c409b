from django import template
from django.conf import settings
from django.http import HttpRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def procedure_index_url(context: dict) -> str:
    from portal.models import ProcedureIndexPage

    page = ProcedureIndexPage.objects.live().first()
    request: HttpRequest | None = context.get("request")
    return page.get_url(request=request) if page else "/"


@register.simple_tag(takes_context=True)
def document_library_url(context: dict) -> str:
    from portal.models import DocumentIndexPage

    page = DocumentIndexPage.objects.live().first()
    request: HttpRequest | None = context.get("request")
    return page.get_url(request=request) if page else "/"


@register.simple_tag
def office_hours() -> str:
    return ", ".join(settings.OFFICE_HOURS)


@register.filter
def verdict_label(value: str) -> str:
    """The Vietnamese label of a stored signature verdict ("valid" → "Hợp lệ")."""
    from backoffice.signatures.constants import VerdictKind

    if not value:
        return "—"
    try:
        return str(VerdictKind(value).label)
    except ValueError:
        return value
