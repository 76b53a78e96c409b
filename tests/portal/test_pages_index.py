"""Portal content pages are searchable once published, and gone once unpublished."""

from wagtail.models import Page

import pytest

import search
from portal.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def ids(text: str) -> list[str]:
    return [h.id for h in search.query("pages", search.SearchQuery(text=text)).hits]


def test_published_page_is_found_without_diacritics_and_removed_on_unpublish(
    celery_eager, django_capture_on_commit_callbacks
) -> None:
    home = HomePage.objects.get()
    page = StandardPage(
        title="Hướng dẫn nộp hồ sơ trực tuyến",
        slug="huong-dan",
        body="<p>Chuẩn bị bản chụp giấy tờ tùy thân rõ nét.</p>",
    )
    home.add_child(instance=page)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert ids("huong dan nop ho so") == [str(page.pk)]
    assert ids("giay to tuy than") == [str(page.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=page.pk).specific.unpublish()
    assert ids("huong dan nop ho so") == []


def test_rebuild_indexes_the_live_site_pages() -> None:
    assert search.rebuild("pages") == HomePage.objects.live().count() + sum(
        1
        for p in Page.objects.live()
        if p.specific_class.__name__.endswith("IndexPage")
    )
