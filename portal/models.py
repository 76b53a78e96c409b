"""Portal pages. Presentation only: reads go through backoffice selectors."""

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from anyascii import anyascii

from backoffice.documents.constants import LegalStatus
from backoffice.documents.models import OfficialDocument
from backoffice.documents.selectors import (
    LibraryResult,
    documents_recent,
    library_query_clean,
    library_search,
)
from backoffice.procedures.selectors import (
    procedure_filter_options,
    procedure_get,
    procedure_list,
)
from search import SearchError

from .library_forms import OfficialDocumentPageForm


class BasePage(Page):
    """Base of every portal page: an optional lead paragraph shown under the title."""

    intro = models.TextField(_("đoạn giới thiệu"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        abstract = True


class HomePage(BasePage):
    body = RichTextField(_("nội dung"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    subpage_types = [
        "portal.ProcedureIndexPage",
        "portal.DocumentIndexPage",
        "portal.StandardPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("trang chủ")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["procedure_index"] = (
            ProcedureIndexPage.objects.live().descendant_of(self).first()
        )
        context["featured_procedures"] = procedure_list()[:6]
        context["document_library"] = (
            DocumentIndexPage.objects.live().descendant_of(self).first()
        )
        context["recent_documents"] = documents_recent(limit=5)
        context["filter_options"] = procedure_filter_options()
        return context


class StandardPage(BasePage):
    body = RichTextField(_("nội dung"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]

    class Meta:
        verbose_name = _("trang nội dung")


class ProcedureIndexPage(RoutablePageMixin, BasePage):
    """The procedure catalogue: a filterable list and one sub-page per procedure."""

    page_size = 20
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("danh mục thủ tục")

    @path("")
    def procedure_list_view(self, request: HttpRequest) -> HttpResponse:
        field = request.GET.get("field", "")
        agency = request.GET.get("agency", "")
        query = request.GET.get("q", "").strip()[:200]
        procedures = procedure_list(field=field, agency=agency, query=query)
        page = Paginator(procedures, self.page_size).get_page(request.GET.get("page"))
        return self.render(
            request,
            context_overrides={
                "page_obj": page,
                "filters": {"field": field, "agency": agency, "q": query},
                "filter_options": procedure_filter_options(),
            },
        )

    @path("<str:code>/")
    def procedure_detail_view(self, request: HttpRequest, code: str) -> HttpResponse:
        procedure = procedure_get(code=code)
        if procedure is None:
            raise Http404
        return render(
            request,
            "portal/procedure_detail.html",
            {"page": self, "self": self, "procedure": procedure},
        )


# (facet of the search index, its title, the query-string parameter)
FACET_PARAMS = [
    ("type", _("Loại văn bản"), "type"),
    ("issuer", _("Cơ quan ban hành"), "issuer"),
    ("field", _("Lĩnh vực"), "field"),
    ("year", _("Năm ban hành"), "year"),
]


class DocumentIndexPage(RoutablePageMixin, BasePage):
    """Thư viện văn bản: the public library of official documents, its search page
    (query, facets, date range, sort) and one child page per document."""

    page_size = 20
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.OfficialDocumentPage"]
    max_count = 1

    class Meta:
        verbose_name = _("thư viện văn bản")

    @path("")
    def library_view(self, request: HttpRequest) -> HttpResponse:
        errors: list[str] = []
        dates = {}
        for name in ("from", "to"):
            raw = request.GET.get(name, "").strip()
            try:
                dates[name] = dt.date.fromisoformat(raw) if raw else None
            except ValueError:
                dates[name] = None
                errors.append(
                    _("Ngày “%(value)s” không hợp lệ; dùng dạng năm-tháng-ngày.")
                    % {"value": raw[:20]}
                )
        text = request.GET.get("q", "")
        sort = request.GET.get("sort", "")
        # The form says which query its sort was chosen for ("sq"): a new query
        # typed over the newest-first listing is sorted by relevance, and a sort
        # picked for this very query (or given by a link without "sq") is kept.
        chosen_for = request.GET.get("sq")
        if chosen_for is not None and " ".join(chosen_for.split()) != " ".join(
            text.split()
        ):
            sort = ""
        query = library_query_clean(
            text=text,
            document_type=request.GET.get("type", ""),
            issuer=request.GET.get("issuer", ""),
            field=request.GET.get("field", ""),
            year=request.GET.get("year", ""),
            date_from=dates["from"],
            date_to=dates["to"],
            sort=sort,
            page=request.GET.get("page", 1),
            page_size=self.page_size,
        )
        try:
            result = library_search(query)
        except SearchError as exc:
            errors.append(str(exc))
            result = None
        facet_groups = []
        for name, title, param in FACET_PARAMS:
            selected = request.GET.get(param, "")
            items = []
            for facet in result.facets.get(name, []) if result else []:
                params = request.GET.copy()
                params.pop("page", None)
                is_selected = facet.value == selected
                if is_selected:
                    params.pop(param, None)
                else:
                    params[param] = facet.value
                items.append(
                    {
                        "label": facet.label,
                        "count": facet.count,
                        "selected": is_selected,
                        "href": f"?{params.urlencode()}",
                    }
                )
            facet_groups.append({"name": name, "title": title, "items": items})
        return self.render(
            request,
            template="portal/document_library.html",
            context_overrides={
                "query": query,
                "result": result,
                "errors": errors,
                "date_from": request.GET.get("from", "")[:10],
                "date_to": request.GET.get("to", "")[:10],
                "sorts": [
                    ("relevance", _("Phù hợp nhất")),
                    ("date_desc", _("Mới nhất")),
                    ("date_asc", _("Cũ nhất")),
                ],
                "facet_groups": facet_groups,
                "replacements": _replacements(request, result),
            },
        )


def _replacements(
    request: HttpRequest, result: LibraryResult | None
) -> dict[str, dict[str, str]]:
    """For each replaced document among the hits, the number-symbol and public
    URL of the document that replaced it (one query, only when there are any)."""
    replaced = [
        int(hit.id)
        for hit in (result.hits if result else [])
        if hit.legal_status == LegalStatus.REPLACED and hit.id.isdigit()
    ]
    if not replaced:
        return {}
    links = {}
    documents = OfficialDocument.objects.filter(
        pk__in=replaced, replaced_by__isnull=False
    ).select_related("replaced_by__publication")
    for document in documents:
        replacement = document.replaced_by
        page = getattr(replacement, "publication", None)
        links[str(document.pk)] = {
            "number_symbol": replacement.number_symbol,
            "url": page.get_url(request=request)
            if page is not None and page.live
            else "",
        }
    return links


class OfficialDocumentPage(RoutablePageMixin, Page):
    """A published official document: metadata, PDFs, signature verdict, full text.

    The record (backoffice.documents.OfficialDocument) is the system of record;
    this page publishes it, so publishing and unpublishing go through Wagtail's
    revisions and moderation workflow.
    """

    official_document = models.OneToOneField(
        "documents.OfficialDocument",
        verbose_name=_("văn bản"),
        on_delete=models.PROTECT,
        related_name="publication",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("number_symbol"),
                FieldPanel("document_type"),
                FieldPanel("issuer"),
                FieldPanel("signer_name"),
                FieldPanel("signer_position"),
                FieldPanel("issued_date"),
                FieldPanel("effective_date"),
                FieldPanel("doc_field"),
                FieldPanel("subject"),
                FieldPanel("legal_status"),
                FieldPanel("replaced_by"),
                FieldPanel("pdf"),
            ],
            heading=_("Văn bản"),
        ),
    ]
    base_form_class = OfficialDocumentPageForm
    parent_page_types = ["portal.DocumentIndexPage"]
    subpage_types: list[str] = []
    template = "portal/document_page.html"

    class Meta:
        verbose_name = _("văn bản công bố")
        verbose_name_plural = _("văn bản công bố")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        document = self.official_document
        replacement = document.replaced_by
        replacement_page = (
            getattr(replacement, "publication", None) if replacement else None
        )
        files = list(document.files.all())
        for record in files:
            # Signing times are stored as ISO 8601 text; shown as local dates.
            record.signature_rows = [
                {
                    **signature,
                    "signed_at_time": dt.datetime.fromisoformat(signature["signed_at"])
                    if signature.get("signed_at")
                    else None,
                }
                for signature in record.signatures
            ]
        context.update(
            {
                "document": document,
                "files": files,
                "replacement": replacement,
                "replacement_url": (
                    replacement_page.get_url(request=request)
                    if replacement_page is not None and replacement_page.live
                    else ""
                ),
                "library": self.get_parent().specific,
            }
        )
        return context

    @path("")
    def document_view(self, request: HttpRequest) -> HttpResponse:
        return self.render(request)

    @path("tep/<int:file_id>/")
    def file_view(self, request: HttpRequest, file_id: int) -> FileResponse:
        record = self.official_document.files.filter(pk=file_id).first()
        if record is None:
            raise Http404
        return FileResponse(
            record.file.open("rb"),
            content_type="application/pdf",
            filename=record.original_name,
        )


def _document_title(document: OfficialDocument) -> str:
    return f"{document.get_document_type_display()} {document.number_symbol}"[:255]


def _document_slug(document: OfficialDocument, parent: Page) -> str:
    base = slugify(anyascii(document.number_symbol).replace("/", "-"))[:70]
    base = base or "van-ban"
    slug, n = base, 1
    siblings = parent.get_children().exclude(
        pk__in=OfficialDocumentPage.objects.filter(official_document=document).values(
            "pk"
        )
    )
    while siblings.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


LIBRARY_TITLE = "Thư viện văn bản"
LIBRARY_INTRO = (
    "Văn bản quy phạm pháp luật và văn bản hành chính được công bố: tra cứu theo "
    "số, ký hiệu, trích yếu hoặc toàn văn; kèm kết quả kiểm tra chữ ký số."
)


def library_page_ensure() -> DocumentIndexPage:
    """The library page; made under the home page if it is missing (migration
    portal.0004 makes it on install, but a test flush or an editor may remove it)."""
    library = DocumentIndexPage.objects.first()
    if library is not None:
        return library
    home = HomePage.objects.first()
    if home is None:
        raise ImproperlyConfigured(
            _("Chưa có trang chủ của cổng thông tin: chạy `manage.py migrate`.")
        )
    library = DocumentIndexPage(
        title=LIBRARY_TITLE, slug="van-ban", intro=LIBRARY_INTRO
    )
    home.add_child(instance=library)
    return library


def document_page_publish(
    *, document: OfficialDocument, actor: AbstractBaseUser | None
) -> OfficialDocumentPage:
    """Create or update the document's library page and publish a revision.

    Registered with backoffice.documents through `portal.publishing` for imports
    and the demo; staff in the admin publish through the moderation workflow.
    """
    library = library_page_ensure()
    page = OfficialDocumentPage.objects.filter(official_document=document).first()
    if page is None:
        page = OfficialDocumentPage(
            title=_document_title(document),
            slug=_document_slug(document, library),
            official_document=document,
            search_description=document.subject[:255],
        )
        library.add_child(instance=page)
    else:
        page.title = _document_title(document)
        page.search_description = document.subject[:255]
    user = actor if actor is not None and actor.is_authenticated else None
    page.save_revision(user=user, log_action=True).publish(user=user)
    return page


def document_page_unpublish(
    *, document: OfficialDocument, actor: AbstractBaseUser | None
) -> None:
    """Unpublish the document's page (kept as a draft); nothing if it has none."""
    page = OfficialDocumentPage.objects.filter(official_document=document).first()
    if page is not None and page.live:
        user = actor if actor is not None and actor.is_authenticated else None
        page.unpublish(user=user, log_action=True)
