from django import template
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

register = template.Library()


# The header links on every page: read once per few minutes, not twice per render.
INDEX_URL_SECONDS = 300


def _index_url(model_name: str, request: HttpRequest | None) -> str:
    from portal import models

    language = getattr(request, "LANGUAGE_CODE", "") if request else ""
    key = f"portal:index-url:{model_name}:{language}"
    url = cache.get(key)
    if url is None:
        page = getattr(models, model_name).objects.live().first()
        url = page.get_url(request=request) if page else "/"
        cache.set(key, url, INDEX_URL_SECONDS)
    return url


@register.simple_tag(takes_context=True)
def procedure_index_url(context: dict) -> str:
    return _index_url("ProcedureIndexPage", context.get("request"))


@register.simple_tag(takes_context=True)
def document_library_url(context: dict) -> str:
    return _index_url("DocumentIndexPage", context.get("request"))


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
