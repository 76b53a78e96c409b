"""The Wagtail admin in Vietnamese for Vietnamese staff (locale_vendor/, built by
scripts/i18n/wagtail_vi.py), in English for staff who chose English."""

import importlib.util
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Page

import polib
import pytest

from backoffice.core.constants import Role

ROOT = Path(settings.BASE_DIR)
VENDOR = ROOT / "locale_vendor" / "vi" / "LC_MESSAGES"


def _script():
    spec = importlib.util.spec_from_file_location(
        "wagtail_vi", ROOT / "scripts" / "i18n" / "wagtail_vi.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wagtail_vi = _script()

# Common English of the Wagtail admin that must not be seen by Vietnamese staff.
ENGLISH = [
    "Pages",
    "Images",
    "Documents",
    "Snippets",
    "Settings",
    "Reports",
    "Help",
    "Add child page",
    "Edit",
    "Delete",
    "Search",
    "Dashboard",
    "Users",
    "Groups",
    "Collections",
    "Sites",
    "Locales",
    "Redirects",
    "Workflows",
    "Account",
    "Log out",
    "Add",
    "Save",
    "Sort by",
    "Filter",
    "Actions",
    "Status",
    "Title",
    "Updated",
    "Publish",
    "Cancel",
    "Choose",
    "More",
    "Previous",
    "Next",
    "No results",
    "Username",
    "Email",
    "Name",
    "Select all",
    "Add a user",
    "Add a document",
]
# Wagtail 8 writes these two in its templates without gettext, so no catalogue
# can translate them: the screen-reader-only submit button of the header search
# (wagtailadmin/shared/header.html, home.html) and the header's <nav
# aria-label="Actions"> (wagtailadmin/shared/headers/_actions.html).
HARD_CODED = {("input", "value", "Search"), ("nav", "aria-label", "Actions")}
_ENGLISH = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")


def _vendor_entries(domain: str) -> dict:
    po = polib.pofile(str(VENDOR / f"{domain}.po"))
    return {(e.msgctxt, e.msgid): e for e in po}


def test_locale_vendor_comes_after_the_projects_catalogue() -> None:
    paths = [Path(p) for p in settings.LOCALE_PATHS]
    assert paths.index(ROOT / "locale") < paths.index(ROOT / "locale_vendor")


@pytest.mark.parametrize("domain", wagtail_vi.DOMAINS)
def test_every_message_of_the_installed_wagtail_apps_has_vietnamese(domain) -> None:
    apps = wagtail_vi.wagtail_apps()
    assert {p.name for p in apps} >= {"admin", "images", "documents", "users"}
    vendor = _vendor_entries(domain)
    missing = []
    total = 0
    for app in apps:
        english = app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not english.exists():
            continue
        for entry in polib.pofile(str(english)):
            if entry.obsolete:
                continue
            total += 1
            ours = vendor.get((entry.msgctxt, entry.msgid))
            text = ""
            if ours is not None:
                text = (
                    ours.msgstr_plural.get(0, "") if ours.msgid_plural else ours.msgstr
                )
            if not text.strip():
                missing.append(entry.msgid)
    assert total > (1500 if domain == "django" else 60)
    assert missing == []


@pytest.mark.parametrize("domain", wagtail_vi.DOMAINS)
def test_placeholders_and_html_are_kept(domain) -> None:
    for entry in _vendor_entries(domain).values():
        text = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        source = entry.msgid_plural or entry.msgid
        wanted = set(wagtail_vi.placeholders(source))
        if entry.msgid_plural:
            wanted |= set(wagtail_vi.placeholders(entry.msgid))
        assert set(wagtail_vi.placeholders(text)) == wanted, entry.msgid
        for tag in set(re.findall(r"</?[a-z]+", source)):
            assert tag in text, (entry.msgid, tag)
    complaint = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "msgfmt",
            "--check-format",
            "-o",
            "/dev/null",
            str(VENDOR / f"{domain}.po"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert complaint.returncode == 0, complaint.stderr


def test_the_catalogue_is_what_the_script_builds() -> None:
    assert wagtail_vi.main(["--check"]) == 0


def test_a_dropped_placeholder_is_reported() -> None:
    message = wagtail_vi.Message(
        msgid="Page '%(page_title)s' deleted.", flags=["python-format"]
    )
    assert wagtail_vi.problems(message, "Đã xóa trang.")
    assert wagtail_vi.problems(message, "") == [
        "no Vietnamese for \"Page '%(page_title)s' deleted.\""
    ]
    assert not wagtail_vi.problems(message, "Đã xóa trang '%(page_title)s'.")


class _Visible(HTMLParser):
    """Text a person sees: text nodes outside script/style/template, the labels
    screen readers and tooltips show, and the sidebar's menu labels (rendered by
    the admin's JavaScript from a JSON island)."""

    LABELS = ("aria-label", "title", "placeholder", "alt", "value")

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.sidebar = False
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
            self.sidebar = attrs.get("id") == "wagtail-sidebar-props"
        if tag == "input" and attrs.get("type") in ("hidden", "checkbox", "radio"):
            return
        self.texts += [
            attrs[k]
            for k in self.LABELS
            if attrs.get(k) and (tag, k, attrs[k]) not in HARD_CODED
        ]

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style", "template"):
            self.hidden -= 1
            self.sidebar = False

    def handle_data(self, data) -> None:
        if self.sidebar:
            self.texts += _labels(json.loads(data))
        elif not self.hidden and data.strip():
            self.texts.append(data.strip())


def _labels(node) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "label" and isinstance(v, str)]
        return found + [t for v in node.values() for t in _labels(v)]
    if isinstance(node, list):
        return [t for v in node for t in _labels(v)]
    return []


def visible_text(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.texts


@pytest.fixture
def superuser(make_staff, agency_tree):
    def make(username: str, language: str = ""):
        user = make_staff(username, agency=agency_tree["province"], role=Role.ADMIN)
        user.is_superuser = True
        user.save()
        if language:
            from wagtail.users.models import UserProfile

            profile = UserProfile.get_for_user(user)
            profile.preferred_language = language
            profile.save()
        return user

    return make


def _admin_pages() -> list[str]:
    from backoffice.core.models import Agency

    home = Page.objects.filter(depth=2).first()
    agency = Agency.objects.order_by("pk").first()
    return [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{home.pk}/edit/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/snippets/core/agency/",
        f"/admin/snippets/core/agency/edit/{agency.pk}/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/sites/",
        "/admin/collections/",
        "/admin/locales/",
        "/admin/redirects/",
        "/admin/workflows/list/",
        "/admin/reports/locked/",
        "/admin/account/",
    ]


@pytest.mark.django_db
def test_vietnamese_staff_see_no_english_in_the_wagtail_admin(
    superuser, verified_client, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    Document.objects.create(
        title="Quy chế tiếp nhận hồ sơ", file=ContentFile(b"%PDF-1.4\n", "qc.pdf")
    )
    client = verified_client(superuser("quantri"))
    leaks = {}
    for url in _admin_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        found = sorted(
            {t for t in visible_text(response.content.decode()) if _ENGLISH.search(t)}
        )
        if found:
            leaks[url] = found
    assert not leaks, json.dumps(leaks, ensure_ascii=False, indent=1)
    # The admin's JavaScript strings come from the djangojs catalogue.
    scripts = client.get("/admin/jsi18n/").content.decode()
    assert json.dumps("Thu gọn tất cả")[1:-1] in scripts


@pytest.mark.django_db
def test_english_staff_still_see_english(superuser, verified_client) -> None:
    client = verified_client(superuser("admin_en", language="en"))
    texts = visible_text(client.get("/admin/").content.decode())
    for word in ("Pages", "Images", "Documents", "Settings", "Help", "Dashboard"):
        assert word in texts or any(word in t for t in texts), word
    explorer = visible_text(client.get("/admin/users/").content.decode())
    assert "Add a user" in explorer
    scripts = client.get("/admin/jsi18n/").content.decode()
    assert json.dumps("Thu gọn tất cả")[1:-1] not in scripts
