"""Portal pages. Presentation only: reads go through backoffice selectors."""

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from backoffice.procedures.selectors import (
    procedure_filter_options,
    procedure_get,
    procedure_list,
)


class BasePage(Page):
    """Base of every portal page: an optional lead paragraph shown under the title."""

    intro = models.TextField(_("đoạn giới thiệu"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        abstract = True


class HomePage(BasePage):
    body = RichTextField(_("nội dung"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    subpage_types = ["portal.ProcedureIndexPage", "portal.StandardPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("trang chủ")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["procedure_index"] = (
            ProcedureIndexPage.objects.live().descendant_of(self).first()
        )
        context["featured_procedures"] = procedure_list()[:6]
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
